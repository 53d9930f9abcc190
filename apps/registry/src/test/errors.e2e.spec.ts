import { fuzzRoutes, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, createVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry, { BODY_LIMIT_BYTES: '65536' });
});
afterAll(() => t.close());

const json = { 'content-type': 'application/json' };

describe('bad input gets a clear 4xx problem', () => {
  it('malformed JSON → 400 malformed_body', async () => {
    const res = await t.request('POST', '/v1/models', { raw: '{"name": "x",', headers: json });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('malformed_body');
  });

  it('wrong content type → 415; empty JSON body → 400', async () => {
    const text = await t.request('POST', '/v1/models', { raw: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('unsupported_media_type');
    const form = await t.request('POST', '/v1/models', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const empty = await t.request('POST', '/v1/models', { raw: '', headers: json });
    expect(empty.status).toBe(400);
    const none = await t.request('POST', '/v1/models');
    expect(none.status).toBe(400);
    expect(none.body.errors[0]).toMatchObject({ field: '(body)', in: 'body' });
  });

  it('oversized body → 413', async () => {
    const res = await t.request('POST', '/v1/models', { body: { name: 'big', description: 'x'.repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('names every bad field, and rejects unknown fields by name', async () => {
    const res = await t.request('POST', '/v1/models', { body: { name: '-bad name', tags: [''], colour: 'red', owner: 7 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const fields = [...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort();
    expect(fields).toEqual(['colour', 'name', 'owner', 'tags.0']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'colour').message).toBe('unknown field');
  });

  it('validates query strings and path parameters', async () => {
    const q = await t.request('GET', '/v1/models?limit=0');
    expect(q.status).toBe(400);
    expect(q.body.errors[0]).toMatchObject({ field: 'limit', in: 'query' });
    expect((await t.request('GET', '/v1/models?limit=abc')).status).toBe(400);
    expect((await t.request('GET', '/v1/models?unknown=1')).status).toBe(400);
    const cursor = await t.request('GET', '/v1/audit?cursor=bm90LWEtbnVtYmVy');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors[0].field).toBe('cursor');
    const m = await createModel(t);
    const v = await t.request('GET', `/v1/models/${m}/versions/not-semver`);
    expect(v.status).toBe(400);
    expect(v.body.errors[0]).toMatchObject({ field: 'version', in: 'params' });
    expect((await t.request('GET', `/v1/models/${m}/versions?cursor=garbage`)).status).toBe(400);
    expect((await t.request('DELETE', '/v1/api-keys/not-a-uuid')).status).toBe(400);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await t.request('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('echoes a caller-supplied request id and invents one otherwise', async () => {
    const given = await t.request('GET', '/v1/models/nope', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(given.body.requestId).toBe('trace-abc-123');
    const invented = await t.request('GET', '/v1/models/nope');
    expect(invented.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('no request produces a 5xx', () => {
  it('survives random bodies, queries and path values on every route', async () => {
    const m = await createModel(t);
    await createVersion(t, m, { version: '1.0.0', metrics: { auc: 0.5 } });
    const { sent, failures } = await fuzzRoutes(t, {
      seed: 20261123,
      known: { name: m, version: '1.0.0' },
      bodyKeys: ['name', 'version', 'to', 'metrics', 'policy', 'keepLatest', 'expectedVersion', 'roles', 'tags', 'lineage', 'enabled', 'x'],
      queryKeys: ['limit', 'cursor', 'metric', 'versions', 'prefix', 'direction', 'stage'],
    });
    expect(sent).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  }, 180_000); // the hostile cases on every route are a few thousand requests
});
