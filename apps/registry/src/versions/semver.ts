import semver from 'semver';

export interface SemverParts {
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
}

export function semverParts(version: string): SemverParts {
  const parsed = semver.parse(version);
  if (!parsed) throw new Error(`not a semantic version: ${version}`);
  return {
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease.length ? parsed.prerelease.join('.') : null,
  };
}

/** The next version after the highest existing one; 1.0.0 for a model's first version. */
export function nextVersion(existing: readonly string[], bump: 'major' | 'minor' | 'patch'): string {
  const highest = existing.reduce<string | null>((max, v) => (max === null || semver.gt(v, max) ? v : max), null);
  if (!highest) return '1.0.0';
  return semver.inc(highest, bump)!;
}

/** Newest first, by semantic version precedence. */
export function compareDesc(a: string, b: string): number {
  return semver.rcompare(a, b);
}
