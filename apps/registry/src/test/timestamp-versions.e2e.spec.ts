import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, createVersion, stagedVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

const STAMP = /^\d{8}\.\d{6}(\.[1-9]\d*)?$/;

describe('timestamp versions', () => {
  it('names versions by the UTC time, strictly increasing even when created in the same second', async () => {
    const m = await createModel(t, undefined, { versioning: 'timestamp' });
    expect((await t.request('GET', `/v1/models/${m}`)).body.versioning).toBe('timestamp');
    const before = new Date();
    // Concurrent creates: the model lock gives each its own name.
    const made = await Promise.all(Array.from({ length: 6 }, () => createVersion(t, m)));
    expect(new Set(made).size).toBe(6);
    for (const v of made) expect(v).toMatch(STAMP);
    const first = made.map((v) => v.slice(0, 15)).sort()[0]!;
    const stampOfBefore = before.toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15);
    expect(first >= stampOfBefore).toBe(true);
    // `bump` names a semver step: a timestamp model ignores it and takes the time.
    expect(await createVersion(t, m, { bump: 'major' })).toMatch(STAMP);

    const listed = (await t.request('GET', `/v1/models/${m}/versions?limit=100`)).body.items.map((v: { version: string }) => v.version);
    const newestFirst = [...listed].sort((a: string, b: string) => {
      const [da, ta, na] = a.split('.').map(Number) as [number, number, number?];
      const [db, tb, nb] = b.split('.').map(Number) as [number, number, number?];
      return db - da || tb - ta || (nb ?? 0) - (na ?? 0);
    });
    expect(listed).toHaveLength(7);
    expect(listed).toEqual(newestFirst);
  });

  it('refuses a name of the other scheme, naming the field', async () => {
    const m = await createModel(t, undefined, { versioning: 'timestamp' });
    const semver = await t.request('POST', `/v1/models/${m}/versions`, { body: { version: '1.0.0' } });
    expect(semver.status).toBe(400);
    expect(semver.body.errors[0]).toMatchObject({ field: 'version', in: 'body' });
    expect(semver.body.errors[0].message).toContain('timestamp');
    const impossible = await t.request('POST', `/v1/models/${m}/versions`, { body: { version: '20261302.000000' } });
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors[0].field).toBe('version');

    const s = await createModel(t);
    const stamp = await t.request('POST', `/v1/models/${s}/versions`, { body: { version: '20261202.061500' } });
    expect(stamp.status).toBe(400);
    expect(stamp.body.errors[0].message).toContain('semver');
    expect((await t.request('GET', `/v1/models/${s}/versions`)).body.items).toHaveLength(0);
  });

  it('takes an explicit timestamp version and promotes it like any other', async () => {
    const m = await createModel(t, undefined, { versioning: 'timestamp' });
    const v = await stagedVersion(t, m, { version: '20261202.061500' });
    expect(v).toBe('20261202.061500');
    const promoted = await t.request('POST', `/v1/models/${m}/versions/${v}/promote`, { body: {} });
    expect(promoted.status).toBe(200);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.stage).toBe('production');
  });

  it('changes the scheme only while the model has no versions', async () => {
    const m = await createModel(t);
    const switched = await t.request('PATCH', `/v1/models/${m}`, { body: { versioning: 'timestamp' } });
    expect(switched.status).toBe(200);
    expect(switched.body.versioning).toBe('timestamp');
    await createVersion(t, m);
    const refused = await t.request('PATCH', `/v1/models/${m}`, { body: { versioning: 'semver' } });
    expect(refused.status).toBe(409);
    expect((await t.request('GET', `/v1/models/${m}`)).body.versioning).toBe('timestamp');
  });
});
