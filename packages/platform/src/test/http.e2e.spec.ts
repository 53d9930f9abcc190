import { startTestApp, type TestApp } from '../testing/index.js';
import { buildProbe } from './probe.module.js';

let t: TestApp;
beforeAll(async () => {
  // A small service-wide limit and a large one for ingestion, so each can be crossed cheaply.
  t = await startTestApp(buildProbe, { BODY_LIMIT_BYTES: '65536', INGEST_BODY_LIMIT_BYTES: String(40 * 1024 * 1024) });
});
afterAll(() => t.close());

const json = { 'content-type': 'application/json' };
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

/** `[[[…]]]`, `depth` levels deep. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Counts JSON.parse calls on large inputs while `fn` runs (the app runs in this process). */
async function bigParsesDuring(fn: () => Promise<void>): Promise<number> {
  const original = JSON.parse;
  let big = 0;
  JSON.parse = function (text: string, reviver?: Parameters<typeof JSON.parse>[1]) {
    if (typeof text === 'string' && text.length > 1_000_000) big++;
    return original.call(JSON, text, reviver) as unknown;
  };
  try {
    await fn();
  } finally {
    JSON.parse = original;
  }
  return big;
}

async function expectAliveAndReady() {
  expect((await t.request('GET', '/health/live', { as: null })).status).toBe(200);
  expect((await t.request('GET', '/health/ready', { as: null })).status).toBe(200);
}

describe('swagger assets', () => {
  it.each(PROTOTYPE_NAMES)('answers 404 for /docs/assets/%s and stays up', async (name) => {
    const res = await t.request('GET', `/docs/assets/${name}`, { as: null });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    await expectAliveAndReady();
  });

  it('still serves the real assets', async () => {
    const css = await t.request('GET', '/docs/assets/swagger-ui.css', { as: null });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text.length).toBeGreaterThan(1000);
  });
});

describe('authentication before the body is read', () => {
  it('refuses a 30 MB nested body without a credential with 401, never parsing it', async () => {
    const body = nested(15 * 1024 * 1024);
    let status = 0;
    // Counting parses proves the body was never read; a time limit would only measure the machine's load.
    const parses = await bigParsesDuring(async () => {
      status = (await t.request('POST', '/probe/batches', { as: null, raw: body, headers: json })).status;
    });
    expect(status).toBe(401);
    expect(parses).toBe(0);
    await expectAliveAndReady();
  });

  it('refuses a forged token before the body too', async () => {
    const parses = await bigParsesDuring(async () => {
      const forged = { bearer: 'not.a.jwt' };
      const res = await t.request('POST', '/probe/batches', { as: forged, raw: nested(1_000_000), headers: json });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthenticated');
    });
    expect(parses).toBe(0);
  });

  it('still checks the scope after the body is read (viewer → 403 on a write)', async () => {
    const res = await t.request('POST', '/probe/items', { as: 'viewer', body: { name: 'x' } });
    expect(res.status).toBe(403);
    expect((await t.request('POST', '/probe/items', { as: 'editor', body: { name: 'x' } })).status).toBe(201);
  });

  it('lets public routes through without a credential', async () => {
    expect((await t.request('GET', '/openapi.json', { as: null })).status).toBe(200);
    expect((await t.request('GET', '/metrics', { as: null })).status).toBe(200);
    expect((await t.request('GET', '/docs', { as: null })).status).toBe(200);
  });

  it('answers routes that do not exist with 404, credential or not', async () => {
    expect((await t.request('GET', '/nothing-here', { as: null })).status).toBe(404);
    expect((await t.request('POST', '/nothing-here', { as: null, body: { a: 1 } })).status).toBe(404);
  });
});

describe('JSON nesting depth', () => {
  it('refuses 100 levels with a 400 naming the nesting depth', async () => {
    const res = await t.request('POST', '/probe/items', { raw: `{"name":"x","data":${nested(100)}}`, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_body');
    expect(res.body.detail).toMatch(/nested deeper than 64 levels/);
    expect(res.body.errors).toEqual([{ field: '(body)', in: 'body', message: 'nesting depth exceeds 64' }]);
  });

  it('refuses 2,000 and 30 MB deep bodies the same way, quickly, and stays up', async () => {
    const raw = `{"name":"x","data":${nested(2000)}}`;
    expect((await t.request('POST', '/probe/items', { raw, headers: json })).status).toBe(400);
    const parses = await bigParsesDuring(async () => {
      const res = await t.request('POST', '/probe/batches', { raw: nested(15 * 1024 * 1024), headers: json });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/nested deeper/);
    });
    expect(parses).toBe(0);
    await expectAliveAndReady();
  });

  it('accepts 64 levels, and brackets inside strings do not count', async () => {
    const inner = nested(62);
    const raw = `{"name":"x","data":{"a":${inner}}}`;
    expect((await t.request('POST', '/probe/items', { raw, headers: json })).status).toBe(201);
    const text = JSON.stringify('['.repeat(500) + '\\"[[[');
    expect((await t.request('POST', '/probe/items', { raw: `{"name":${text}}`, headers: json })).status).toBe(201);
  });

  it('keeps refusing __proto__ keys', async () => {
    const raw = '{"name":"x","__proto__":{"admin":true}}';
    const res = await t.request('POST', '/probe/items', { raw, headers: json });
    expect(res.status).toBe(400);
  });
});

describe('body limits', () => {
  const bigItems = (bytes: number) => ({
    items: Array.from({ length: Math.ceil(bytes / 1000) }, () => 'x'.repeat(990)),
  });

  it('keeps the small service-wide limit on ordinary routes', async () => {
    const res = await t.request('POST', '/probe/items', { body: { name: 'x', data: 'y'.repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('gives ingestion routes the ingestion limit', async () => {
    const res = await t.request('POST', '/probe/batches', { body: bigItems(2 * 1024 * 1024) });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(Math.ceil((2 * 1024 * 1024) / 1000));
    expect((await t.request('POST', '/probe/batches', { body: bigItems(41 * 1024 * 1024) })).status).toBe(413);
  });
});

describe('an empty JSON body is an absent body', () => {
  it('DELETE with content-type: application/json and no body → 204', async () => {
    const res = await t.request('DELETE', '/probe/items/1', { raw: '', headers: json });
    expect(res.status).toBe(204);
  });

  it('a POST action with content-type: application/json and no body → 200', async () => {
    expect((await t.request('POST', '/probe/items/1/pause', { raw: '', headers: json })).status).toBe(200);
    const archived = await t.request('POST', '/probe/items/1/archive', { raw: '', headers: json });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ archived: true, reason: null });
  });

  it('a route that needs a body still says it is missing', async () => {
    const res = await t.request('POST', '/probe/items', { raw: '', headers: json });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: '(body)', in: 'body' });
  });
});
