import {
  ALLOWED_TRANSITIONS,
  CompareQuery,
  CreateModelBody,
  CreateVersionBody,
  SemVer,
  Stage,
  VersionName,
  isTimestampVersion,
  scopesOf,
} from './index.js';

describe('lifecycle graph', () => {
  it('lets every pre-production stage fail, and production only leave to archived', () => {
    for (const stage of ['draft', 'testing', 'staging'] as const) expect(ALLOWED_TRANSITIONS[stage]).toContain('failed');
    expect(ALLOWED_TRANSITIONS.production).toEqual(['archived']);
  });

  it('enters production only from staging', () => {
    const into = Stage.options.filter((s) => ALLOWED_TRANSITIONS[s].includes('production'));
    expect(into).toEqual(['staging']);
  });

  it('never lists a self-transition or an unknown stage', () => {
    for (const [from, targets] of Object.entries(ALLOWED_TRANSITIONS)) {
      expect(targets).not.toContain(from);
      for (const t of targets) expect(Stage.options).toContain(t);
    }
  });
});

describe('semantic versions', () => {
  it.each(['0.0.1', '1.2.3', '10.20.30', '1.0.0-rc.1', '1.0.0-alpha.beta.11', '2.0.0-x-y-z'])('accepts %s', (v) => {
    expect(SemVer.safeParse(v).success).toBe(true);
  });
  it.each(['1', '1.2', '01.2.3', '1.2.3.4', 'v1.2.3', '1.2.3-', '1.2.3-01', ''])('rejects %s', (v) => {
    expect(SemVer.safeParse(v).success).toBe(false);
  });
});

describe('version names (either scheme)', () => {
  it.each(['1.2.3', '2.0.0-rc.1', '20261202.061500', '20261202.061500.1', '20240229.235959.12'])('accepts %s', (v) => {
    expect(VersionName.safeParse(v).success).toBe(true);
  });
  // 2026 is no leap year; hour 24, month 13 and `.0` are no timestamps; 01.2.3 is no semver.
  it.each(['20260229.000000', '20261202.240000', '20261302.000000', '20261202.061500.0', '20261202.0615', '01.2.3', ''])(
    'rejects %s',
    (v) => {
      expect(VersionName.safeParse(v).success).toBe(false);
      expect(isTimestampVersion(v)).toBe(false);
    },
  );
});

describe('roles and scopes', () => {
  it('grants each role the scopes of the roles below it', () => {
    expect([...scopesOf(['viewer'])]).toEqual(['read']);
    expect([...scopesOf(['editor'])].sort()).toEqual(['read', 'write']);
    expect([...scopesOf(['admin'])].sort()).toEqual(['admin', 'read', 'write']);
    expect(scopesOf([]).size).toBe(0);
  });
});

describe('request bodies', () => {
  it('reject unknown fields', () => {
    const result = CreateModelBody.safeParse({ name: 'm', extra: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('refuse a version and a bump together, pointing at bump', () => {
    const result = CreateVersionBody.safeParse({ version: '1.0.0', bump: 'minor' });
    expect(result.error?.issues[0]?.path).toEqual(['bump']);
  });

  it('reject non-finite metrics', () => {
    expect(CreateVersionBody.safeParse({ metrics: { auc: Number.NaN } }).success).toBe(false);
    expect(CreateVersionBody.safeParse({ metrics: { auc: Infinity } }).success).toBe(false);
    expect(CreateVersionBody.safeParse({ metrics: { auc: 0.5 } }).success).toBe(true);
  });

  it('split and validate the compared versions', () => {
    expect(CompareQuery.parse({ versions: '1.0.0, 1.1.0' }).versions).toEqual(['1.0.0', '1.1.0']);
    expect(CompareQuery.safeParse({ versions: '1.0.0' }).success).toBe(false);
  });
});
