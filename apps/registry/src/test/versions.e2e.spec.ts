import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, createVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

describe('versions', () => {
  it('numbers versions automatically: 1.0.0 first, then by the requested bump', async () => {
    const m = await createModel(t);
    expect(await createVersion(t, m)).toBe('1.0.0');
    expect(await createVersion(t, m)).toBe('1.0.1');
    expect(await createVersion(t, m, { bump: 'minor' })).toBe('1.1.0');
    expect(await createVersion(t, m, { version: '3.0.0-rc.1' })).toBe('3.0.0-rc.1');
    expect(await createVersion(t, m, { bump: 'patch' })).toBe('3.0.0');
    expect(await createVersion(t, m, { bump: 'major' })).toBe('4.0.0');
  });

  it('stores metrics, params, schemas and lineage, in stage draft', async () => {
    const m = await createModel(t);
    await createVersion(t, m, { version: '1.0.0' });
    const body = {
      version: '1.1.0',
      metrics: { auc: 0.91, logloss: 0.23 },
      params: { lr: 0.01, depth: 6 },
      config: { features: ['a', 'b'] },
      trainingInfo: { rows: 120000 },
      inputSchema: { type: 'object' },
      outputSchema: { type: 'number' },
      lineage: { parentVersion: '1.0.0', pipelineId: 'pipe-1', dataset: 's3://bucket/train.parquet' },
      description: 'retrained',
      tags: ['nightly'],
    };
    const res = await t.request('POST', `/v1/models/${m}/versions`, { body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      model: m,
      version: '1.1.0',
      stage: 'draft',
      metrics: body.metrics,
      params: body.params,
      lineage: { parentVersion: '1.0.0', pipelineId: 'pipe-1', experimentKey: null, dataset: 's3://bucket/train.parquet' },
      createdBy: 'test-admin',
    });
    const got = await t.request('GET', `/v1/models/${m}/versions/1.1.0`);
    expect(got.body.inputSchema).toEqual({ type: 'object' });
  });

  it('refuses a duplicate version (409), an unknown parent (400 naming the field) and version+bump together', async () => {
    const m = await createModel(t);
    await createVersion(t, m, { version: '1.0.0' });
    const dup = await t.request('POST', `/v1/models/${m}/versions`, { body: { version: '1.0.0' } });
    expect(dup.status).toBe(409);
    const parent = await t.request('POST', `/v1/models/${m}/versions`, { body: { lineage: { parentVersion: '9.9.9' } } });
    expect(parent.status).toBe(400);
    expect(parent.body.errors[0].field).toBe('lineage.parentVersion');
    const both = await t.request('POST', `/v1/models/${m}/versions`, { body: { version: '2.0.0', bump: 'major' } });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('bump');
    const bad = await t.request('POST', `/v1/models/${m}/versions`, { body: { version: '1.0' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('version');
  });

  it('gives every concurrent auto-numbered create its own version', async () => {
    const m = await createModel(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => t.request('POST', `/v1/models/${m}/versions`, { body: {} })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const versions = results.map((r) => r.body.version as string);
    expect(new Set(versions).size).toBe(20);
    expect(versions.sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))).toEqual(
      Array.from({ length: 20 }, (_, i) => `1.0.${i}`),
    );
  });

  it('pages through versions that tie on their numbers (pre-releases) without skipping or repeating one', async () => {
    const m = await createModel(t);
    for (const v of ['1.0.0-rc.1', '1.0.0-rc.2', '1.0.0', '1.1.0-beta', '1.1.0', '0.9.0', '1.0.0-rc.3'])
      await createVersion(t, m, { version: v });
    const all = (await t.request('GET', `/v1/models/${m}/versions?limit=100`)).body.items.map((v: { version: string }) => v.version);
    expect(all).toHaveLength(7);
    for (const limit of [1, 2, 3]) {
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { version: string }[]; nextCursor: string | null } } = await t.request(
          'GET',
          `/v1/models/${m}/versions?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        paged.push(...page.body.items.map((v: { version: string }) => v.version));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
    }
  });

  it('lists newest first with cursor pages and stage/tag filters', async () => {
    const m = await createModel(t);
    for (const v of ['1.0.0', '1.2.0', '1.10.0', '2.0.0'])
      await createVersion(t, m, { version: v, tags: v.startsWith('1') ? ['one'] : [] });
    await t.request('POST', `/v1/models/${m}/versions/1.2.0/transitions`, { body: { to: 'testing' } });
    const page1 = await t.request('GET', `/v1/models/${m}/versions?limit=3`);
    expect(page1.body.items.map((v: { version: string }) => v.version)).toEqual(['2.0.0', '1.10.0', '1.2.0']);
    const page2 = await t.request('GET', `/v1/models/${m}/versions?limit=3&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
    expect(page2.body.nextCursor).toBeNull();
    const testing = await t.request('GET', `/v1/models/${m}/versions?stage=testing`);
    expect(testing.body.items.map((v: { version: string }) => v.version)).toEqual(['1.2.0']);
    const tagged = await t.request('GET', `/v1/models/${m}/versions?tag=one`);
    expect(tagged.body.items).toHaveLength(3);
  });

  it('compares metrics side by side with differences to the first version', async () => {
    const m = await createModel(t);
    await createVersion(t, m, { version: '1.0.0', metrics: { auc: 0.8, latency_ms: 20 } });
    await createVersion(t, m, { version: '1.1.0', metrics: { auc: 0.85 } });
    const res = await t.request('GET', `/v1/models/${m}/compare?versions=1.0.0,1.1.0`);
    expect(res.status).toBe(200);
    const auc = res.body.metrics.find((r: { name: string }) => r.name === 'auc');
    expect(auc.values).toEqual({ '1.0.0': 0.8, '1.1.0': 0.85 });
    expect(auc.diff['1.1.0']).toBeCloseTo(0.05, 12);
    const latency = res.body.metrics.find((r: { name: string }) => r.name === 'latency_ms');
    expect(latency.values['1.1.0']).toBeNull();
    expect((await t.request('GET', `/v1/models/${m}/compare?versions=1.0.0,7.0.0`)).status).toBe(404);
    expect((await t.request('GET', `/v1/models/${m}/compare?versions=1.0.0`)).status).toBe(400);
  });

  it('answers 404 for the production version of a model that has none', async () => {
    const m = await createModel(t);
    const res = await t.request('GET', `/v1/models/${m}/production`);
    expect(res.status).toBe(404);
  });
});
