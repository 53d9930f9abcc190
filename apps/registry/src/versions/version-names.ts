import semver from 'semver';
import { isTimestampVersion, SEMVER_PATTERN, TIMESTAMP_VERSION_PATTERN, type Versioning } from '@modelyard/types';

/**
 * A version's sort columns. A semantic version gives its numbers; a timestamp version
 * `YYYYMMDD.HHMMSS[.n]` gives date, time and n, so both schemes sort newest first on the same
 * columns (a model uses one scheme, so they never sort against each other).
 */
export interface VersionParts {
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
}

export function versionParts(version: string): VersionParts {
  const stamp = TIMESTAMP_VERSION_PATTERN.exec(version);
  if (stamp && isTimestampVersion(version)) {
    return {
      major: Number(stamp.slice(1, 4).join('')),
      minor: Number(stamp.slice(4, 7).join('')),
      patch: Number(stamp[7] ?? 0),
      prerelease: null,
    };
  }
  const parsed = semver.parse(version);
  if (!parsed) throw new Error(`not a version name: ${version}`);
  return {
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease.length ? parsed.prerelease.join('.') : null,
  };
}

/** Whether the name belongs to the scheme (the field check already made it one of the two). */
export function ofScheme(version: string, scheme: Versioning): boolean {
  return scheme === 'timestamp' ? isTimestampVersion(version) : SEMVER_PATTERN.test(version);
}

/** `YYYYMMDD.HHMMSS` of a UTC instant. */
export function timestampVersion(at: Date): string {
  const [date, time] = at.toISOString().split('T') as [string, string];
  return `${date.replaceAll('-', '')}.${time.slice(0, 8).replaceAll(':', '')}`;
}

/**
 * The next version. Semver: the highest existing one bumped (1.0.0 for a model's first). Timestamp:
 * now, unless that is not after the newest (the same second, or a clock behind it): then the newest
 * with the next `.n`, so versions stay strictly increasing.
 */
export function nextVersion(existing: readonly string[], scheme: Versioning, bump: 'major' | 'minor' | 'patch', now: Date): string {
  if (scheme === 'timestamp') {
    const candidate = timestampVersion(now);
    const newest = existing.filter(isTimestampVersion).sort(compareDesc)[0];
    if (!newest || compareDesc(candidate, newest) < 0) return candidate;
    const { patch } = versionParts(newest);
    return `${newest.split('.').slice(0, 2).join('.')}.${patch + 1}`;
  }
  const highest = existing.reduce<string | null>(
    (max, v) => (SEMVER_PATTERN.test(v) && (max === null || semver.gt(v, max)) ? v : max),
    null,
  );
  if (!highest) return '1.0.0';
  return semver.inc(highest, bump)!;
}

/** Newest first: semantic version precedence, or timestamp order. */
export function compareDesc(a: string, b: string): number {
  if (SEMVER_PATTERN.test(a) && SEMVER_PATTERN.test(b)) return semver.rcompare(a, b);
  const pa = versionParts(a);
  const pb = versionParts(b);
  return pb.major - pa.major || pb.minor - pa.minor || pb.patch - pa.patch;
}
