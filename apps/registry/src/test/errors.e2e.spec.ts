import { startTestApp, type TestApp } from '@modelyard/platform/testing';
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

/** Deterministic pseudo-random values (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', ' ', 'a', '1.0.0', '-1', '../../etc/passwd', '\u0000', '💥', 'x'.repeat(3000), "'; DROP TABLE x; --", '%00', '{}', 'null', '9'.repeat(40)];

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * (depth > 2 ? 5 : 8));
  switch (pick) {
    case 0:
      return STRINGS[Math.floor(rand() * STRINGS.length)];
    case 1:
      return [0, -1, 1e308, -1e-308, 2 ** 53 + 1, 0.5, 123456789][Math.floor(rand() * 7)];
    case 2:
      return rand() < 0.5;
    case 3:
      return null;
    case 4:
      return 'production';
    case 5:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const keys = ['name', 'version', 'to', 'metrics', 'policy', 'keepLatest', 'expectedVersion', 'roles', 'tags', 'lineage', 'enabled', 'x'];
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 5) }, () => [keys[Math.floor(rand() * keys.length)]!, randomValue(rand, depth + 1)]),
      );
    }
  }
}

describe('no request produces a 5xx', () => {
  it('survives random bodies, queries and path values on every route', async () => {
    const m = await createModel(t);
    await createVersion(t, m, { version: '1.0.0', metrics: { auc: 0.5 } });
    const doc = (await t.request('GET', '/openapi.json')).body;
    const rand = prng(20261123);
    const failures: string[] = [];
    let sent = 0;
    for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(operations)) {
        for (let i = 0; i < 12; i++) {
          const segment = () => encodeURIComponent(String(rand() < 0.5 ? randomValue(rand) : rand() < 0.5 ? m : '1.0.0'));
          const concrete = path.replace(/\{(\w+)\}/g, (_, p: string) => (p === 'name' && rand() < 0.6 ? m : segment()));
          const query = rand() < 0.5 ? `?${['limit', 'cursor', 'metric', 'versions', 'prefix', 'direction', 'stage'][Math.floor(rand() * 7)]}=${segment()}` : '';
          const body = method === 'get' || method === 'head' || method === 'delete' ? undefined : randomValue(rand);
          const res = await t.request(method.toUpperCase(), `${concrete}${query}`, { body });
          sent++;
          if (res.status >= 500) failures.push(`${method} ${concrete}${query} ${JSON.stringify(body)?.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  });
});
