import { compareDesc, nextVersion, ofScheme, timestampVersion, versionParts } from './version-names.js';

const at = (iso: string) => new Date(iso);

describe('version names', () => {
  it('sorts timestamp versions on the same columns as semantic versions', () => {
    expect(versionParts('20261202.061500')).toEqual({ major: 20261202, minor: 61500, patch: 0, prerelease: null });
    expect(versionParts('20261202.061500.3')).toEqual({ major: 20261202, minor: 61500, patch: 3, prerelease: null });
    expect(versionParts('2.0.0-rc.1')).toEqual({ major: 2, minor: 0, patch: 0, prerelease: 'rc.1' });
    expect(() => versionParts('20261302.000000')).toThrow('not a version name');
  });

  it('names the UTC time of the instant', () => {
    expect(timestampVersion(at('2026-12-02T06:15:00.999Z'))).toBe('20261202.061500');
    expect(timestampVersion(at('2027-01-01T00:00:09Z'))).toBe('20270101.000009');
  });

  it('gives timestamp versions that strictly increase within one second and when the clock is behind', () => {
    const now = at('2026-12-02T06:15:00.250Z');
    expect(nextVersion([], 'timestamp', 'patch', now)).toBe('20261202.061500');
    expect(nextVersion(['20261202.061459'], 'timestamp', 'patch', now)).toBe('20261202.061500');
    expect(nextVersion(['20261202.061500'], 'timestamp', 'patch', now)).toBe('20261202.061500.1');
    expect(nextVersion(['20261202.061500', '20261202.061500.1'], 'timestamp', 'major', now)).toBe('20261202.061500.2');
    // A clock that went back: after the newest, never before it.
    expect(nextVersion(['20261202.070000.4'], 'timestamp', 'patch', now)).toBe('20261202.070000.5');
  });

  it('bumps semantic versions from the highest', () => {
    expect(nextVersion([], 'semver', 'patch', new Date())).toBe('1.0.0');
    expect(nextVersion(['1.2.0', '1.10.0', '1.9.9'], 'semver', 'minor', new Date())).toBe('1.11.0');
  });

  it('orders newest first in either scheme', () => {
    expect(['20261202.061500.1', '20261201.235959', '20261202.061500.10', '20261202.061500'].sort(compareDesc)).toEqual([
      '20261202.061500.10',
      '20261202.061500.1',
      '20261202.061500',
      '20261201.235959',
    ]);
    expect(['1.0.0-rc.1', '1.0.0', '0.9.0'].sort(compareDesc)).toEqual(['1.0.0', '1.0.0-rc.1', '0.9.0']);
  });

  it('tells which scheme a name belongs to', () => {
    expect(ofScheme('20261202.061500', 'timestamp')).toBe(true);
    expect(ofScheme('1.0.0', 'timestamp')).toBe(false);
    expect(ofScheme('20261202.061500', 'semver')).toBe(false);
    expect(ofScheme('1.0.0', 'semver')).toBe(true);
  });
});
