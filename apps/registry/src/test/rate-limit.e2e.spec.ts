import { startTestApp, type RequestOptions, type TestApp, testRedis, deleteMatching } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import type { RedisClient } from '@modelyard/platform';

const LIMITS = { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '30', AUTH_FAILURE_LIMIT_MAX: '3' };
const BAD = { bearer: 'not-a-jwt' };

let t: TestApp;
let proxied: TestApp;
let redis: RedisClient;
beforeAll(async () => {
  t = await startTestApp(buildRegistry, LIMITS);
  // The same service behind a proxy on loopback: the tests' requests come through "it".
  proxied = await startTestApp(buildRegistry, { ...LIMITS, TRUSTED_PROXIES: '127.0.0.1/32' });
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
  await t.close();
  await proxied.close();
});

// Every test starts with fresh budgets: all requests here come from 127.0.0.1.
beforeEach(async () => {
  for (const prefix of [t.redisPrefix, proxied.redisPrefix]) {
    await deleteMatching(redis, `${prefix}:ratelimit:*`);
    await deleteMatching(redis, `${prefix}:authfail:*`);
  }
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });
/** GET /v1/models on `app` with a credential, as if forwarded for `ip` when given. */
const models = (app: TestApp, as: RequestOptions['as'], ip?: string) =>
  app.request('GET', '/v1/models', { as, headers: ip ? from(ip) : {} });

function expectLimited(res: { status: number; headers: Headers; body: { code?: string } }) {
  expect(res.status).toBe(429);
  expect(res.body.code).toBe('rate_limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(30);
}

describe('rate limiting', () => {
  it('allows RATE_LIMIT_MAX requests per credential per window, then answers 429 with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.request('GET', '/v1/models', { as: 'viewer' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expectLimited(await t.request('GET', '/v1/models', { as: 'viewer' }));
    // Another credential has its own budget; probes are never limited.
    expect((await t.request('GET', '/v1/models', { as: 'editor' })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await t.request('GET', '/health/live', { as: null })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await t.request('GET', '/metrics', { as: null })).status).toBe(200);
  });

  it('limits the OpenAPI document and the docs per address, like any anonymous route', async () => {
    const statuses = [];
    for (const path of ['/openapi.json', '/docs', '/docs/assets/swagger-ui.css', '/openapi.json']) {
      statuses.push((await t.request('GET', path, { as: null })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const rotated = { as: null, headers: from('203.0.113.50') };
    expectLimited(await t.request('GET', '/docs/assets/swagger-ui-bundle.js', rotated));
  });
});

describe('failed authentications', () => {
  it('answer 429 with Retry-After once AUTH_FAILURE_LIMIT_MAX have failed from one address', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await models(t, BAD)).status);
    statuses.push((await models(t, null)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const guess = { as: { apiKey: 'myk_000000000000_guess' }, body: { name: 'x' } };
    const limited = await t.request('POST', '/v1/models', guess);
    expectLimited(limited);
    expect(limited.body.detail).toContain('failed authentications');
    // Locked out means locked out: a right guess is not told apart from a wrong one.
    expectLimited(await models(t, 'viewer'));
  });

  it('cannot be escaped by rotating X-Forwarded-For when no proxy is trusted', async () => {
    for (let i = 0; i < 3; i++) expect((await models(t, BAD, `198.51.100.${i}`)).status).toBe(401);
    for (let i = 3; i < 6; i++) expectLimited(await models(t, BAD, `198.51.100.${i}`));
    // Anonymous routes are not escaped that way either.
    for (let i = 0; i < 3; i++) {
      const doc = await t.request('GET', '/openapi.json', { as: null, headers: from(`198.51.100.${i}`) });
      expect(doc.status).toBe(200);
    }
    expectLimited(await t.request('GET', '/openapi.json', { as: null, headers: from('198.51.100.99') }));
  });

  it('counts by the forwarded address when the peer is in TRUSTED_PROXIES', async () => {
    for (let i = 0; i < 3; i++) expect((await models(proxied, BAD, '203.0.113.7')).status).toBe(401);
    expectLimited(await models(proxied, BAD, '203.0.113.7'));
    // A client cannot pick its address by prepending entries: the proxy's own (last) entry counts.
    expectLimited(await models(proxied, BAD, '192.0.2.1, 203.0.113.7'));
    // Other clients behind the same proxy keep their own budget.
    expect((await models(proxied, BAD, '203.0.113.8')).status).toBe(401);
    expect((await models(proxied, 'viewer', '203.0.113.9')).status).toBe(200);
  });

  it('counts an IPv6 client by its /64', async () => {
    for (let i = 1; i <= 3; i++) expect((await models(proxied, BAD, `2001:db8:1:2::${i}`)).status).toBe(401);
    expectLimited(await models(proxied, BAD, '2001:db8:1:2:ffff::9'));
    expect((await models(proxied, BAD, '2001:db8:1:3::1')).status).toBe(401);
  });
});
