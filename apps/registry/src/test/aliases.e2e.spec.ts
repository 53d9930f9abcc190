import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, createVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

const put = (m: string, alias: string, body: object, as: 'admin' | 'editor' = 'admin') =>
  t.request('PUT', `/v1/models/${m}/aliases/${alias}`, { body, as });

describe('aliases', () => {
  it('creates (201), moves (200) and keeps history of an alias', async () => {
    const m = await createModel(t);
    const [a, b] = [await createVersion(t, m), await createVersion(t, m)];
    expect((await put(m, 'champion', { version: a }, 'editor')).status).toBe(201);
    const moved = await put(m, 'champion', { version: b, expectedVersion: a }, 'editor');
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ alias: 'champion', version: b, protected: false, updatedBy: 'test-editor' });
    const got = await t.request('GET', `/v1/models/${m}/aliases/champion`, { as: 'viewer' });
    expect(got.body.history.map((h: { fromVersion: string | null; toVersion: string }) => [h.fromVersion, h.toVersion])).toEqual([
      [a, b],
      [null, a],
    ]);
    const list = await t.request('GET', `/v1/models/${m}/aliases`);
    expect(list.body.items).toHaveLength(1);
  });

  it('writes the reason given into the audit entry of the move', async () => {
    const m = await createModel(t);
    const a = await createVersion(t, m);
    expect((await put(m, 'champion', { version: a, reason: 'won the A/B test' })).status).toBe(201);
    const audit = await t.request('GET', `/v1/audit?model=${m}`);
    const entry = audit.body.items.find((e: { action: string }) => e.action === 'alias.set');
    expect(entry).toMatchObject({ subject: `${m}@champion`, reason: 'won the A/B test', after: { version: a } });
  });

  it('rejects a stale compare-and-set with 409 naming the current version', async () => {
    const m = await createModel(t);
    const [a, b, c] = [await createVersion(t, m), await createVersion(t, m), await createVersion(t, m)];
    await put(m, 'challenger', { version: a });
    await put(m, 'challenger', { version: b, expectedVersion: a });
    const stale = await put(m, 'challenger', { version: c, expectedVersion: a });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'precondition_failed', currentVersion: b, expectedVersion: a });
    const createOnly = await put(m, 'challenger', { version: c, expectedVersion: null });
    expect(createOnly.status).toBe(409);
    expect((await t.request('GET', `/v1/models/${m}/aliases/challenger`)).body.version).toBe(b);
  });

  it('lets exactly one of many concurrent compare-and-set swaps win', async () => {
    const m = await createModel(t);
    const base = await createVersion(t, m);
    const targets = [];
    for (let i = 0; i < 10; i++) targets.push(await createVersion(t, m));
    await put(m, 'champion', { version: base });
    const results = await Promise.all(targets.map((v) => put(m, 'champion', { version: v, expectedVersion: base })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  });

  it('protects aliases: only admins set protection or change a protected alias', async () => {
    const m = await createModel(t);
    const [a, b] = [await createVersion(t, m), await createVersion(t, m)];
    expect((await put(m, 'prod', { version: a, protected: true }, 'editor')).status).toBe(403);
    expect((await put(m, 'prod', { version: a, protected: true })).status).toBe(201);
    expect((await put(m, 'prod', { version: b }, 'editor')).status).toBe(403);
    expect((await t.request('DELETE', `/v1/models/${m}/aliases/prod`, { as: 'editor' })).status).toBe(403);
    expect((await put(m, 'prod', { version: b })).body).toMatchObject({ version: b, protected: true });
  });

  it('deletes with an optional expected version, and 404s for unknown aliases or versions', async () => {
    const m = await createModel(t);
    const a = await createVersion(t, m);
    await put(m, 'x', { version: a });
    expect((await t.request('DELETE', `/v1/models/${m}/aliases/x?expectedVersion=9.9.9`)).status).toBe(409);
    expect((await t.request('DELETE', `/v1/models/${m}/aliases/x?expectedVersion=${a}`)).status).toBe(204);
    expect((await t.request('GET', `/v1/models/${m}/aliases/x`)).status).toBe(404);
    expect((await put(m, 'y', { version: '8.8.8' })).status).toBe(404);
    const audit = await t.request('GET', `/v1/audit?model=${m}`);
    expect(audit.body.items.map((e: { action: string }) => e.action).slice(0, 2)).toEqual(['alias.deleted', 'alias.set']);
  });
});
