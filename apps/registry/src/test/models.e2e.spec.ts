import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, promote, stagedVersion, uniqueName } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

describe('models', () => {
  it('registers a model with its owner defaulting to the caller', async () => {
    const name = uniqueName();
    const res = await t.request('POST', '/v1/models', { body: { name, description: 'churn', tags: ['team:growth'] }, as: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, description: 'churn', tags: ['team:growth'], owner: 'test-editor' });
    const got = await t.request('GET', `/v1/models/${name}`, { as: 'viewer' });
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
  });

  it('refuses a duplicate name with 409', async () => {
    const name = await createModel(t);
    const res = await t.request('POST', '/v1/models', { body: { name } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('already_exists');
  });

  it('answers 404 problem+json for an unknown model', async () => {
    const res = await t.request('GET', '/v1/models/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('pages through models in name order with a stable cursor, filtered by prefix and tag', async () => {
    const prefix = uniqueName('page');
    const names = [];
    for (let i = 0; i < 5; i++) names.push(await createModel(t, `${prefix}-${i}`, { tags: i % 2 ? ['odd'] : ['even'] }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/models?prefix=${prefix}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.request('GET', query);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((m: { name: string }) => m.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(names);
    const odd = await t.request('GET', `/v1/models?prefix=${prefix}&tag=odd`);
    expect(odd.body.items.map((m: { name: string }) => m.name)).toEqual([names[1], names[3]]);
  });

  it('updates description, tags and owner and records the change in the audit log', async () => {
    const name = await createModel(t);
    const res = await t.request('PATCH', `/v1/models/${name}`, { body: { description: 'new', tags: ['a'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: 'new', tags: ['a'] });
    const audit = await t.request('GET', `/v1/audit?model=${name}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['model.updated', 'model.created']);
    expect(audit.body.items[0].before.description).toBeNull();
    expect(audit.body.items[0].after.description).toBe('new');
    expect(audit.body.items[0].actor).toBe('test-admin');
  });

  it('refuses to delete a model while a version is in production, then deletes it once archived', async () => {
    const name = await createModel(t);
    const v = await stagedVersion(t, name);
    expect((await promote(t, name, v)).status).toBe(200);
    const refused = await t.request('DELETE', `/v1/models/${name}`);
    expect(refused.status).toBe(409);
    expect(refused.body.productionVersion).toBe(v);
    expect((await t.request('POST', `/v1/models/${name}/versions/${v}/transitions`, { body: { to: 'archived' } })).status).toBe(200);
    expect((await t.request('DELETE', `/v1/models/${name}`)).status).toBe(204);
    expect((await t.request('GET', `/v1/models/${name}`)).status).toBe(404);
    expect((await t.request('GET', `/v1/models/${name}/versions/${v}`)).status).toBe(404);
  });

  it('lets only admins delete', async () => {
    const name = await createModel(t);
    const res = await t.request('DELETE', `/v1/models/${name}`, { as: 'editor' });
    expect(res.status).toBe(403);
    expect(res.body.neededScope).toBe('admin');
    expect((await t.request('GET', `/v1/models/${name}`)).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('runs a retried creation once and replays its response', async () => {
    const name = uniqueName('idem');
    const headers = { 'idempotency-key': `create-${name}` };
    const first = await t.request('POST', '/v1/models', { body: { name }, headers });
    const retry = await t.request('POST', '/v1/models', { body: { name }, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const audit = await t.request('GET', `/v1/audit?model=${name}`);
    expect(audit.body.items).toHaveLength(1);
  });

  it('numbers a retried auto-bumped version once', async () => {
    const name = await createModel(t);
    const headers = { 'idempotency-key': 'v-once' };
    const results = await Promise.all([0, 1, 2].map(() => t.request('POST', `/v1/models/${name}/versions`, { body: {}, headers })));
    const created = results.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.version))).toEqual(new Set(['1.0.0']));
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const versions = await t.request('GET', `/v1/models/${name}/versions`);
    expect(versions.body.items).toHaveLength(1);
  });

  it('refuses the same key with a different body (422) and a malformed key (400)', async () => {
    const headers = { 'idempotency-key': `k-${uniqueName()}` };
    expect((await t.request('POST', '/v1/models', { body: { name: uniqueName() }, headers })).status).toBe(201);
    const reused = await t.request('POST', '/v1/models', { body: { name: uniqueName() }, headers });
    expect(reused.status).toBe(422);
    const bad = await t.request('POST', '/v1/models', { body: { name: uniqueName() }, headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('releases the key when the request fails, so a corrected retry can succeed', async () => {
    const name = uniqueName('idem-fail');
    const headers = { 'idempotency-key': `fail-${name}` };
    expect((await t.request('POST', `/v1/models/${name}/versions`, { body: {}, headers })).status).toBe(404);
    await createModel(t, name);
    expect((await t.request('POST', `/v1/models/${name}/versions`, { body: {}, headers })).status).toBe(201);
  });
});
