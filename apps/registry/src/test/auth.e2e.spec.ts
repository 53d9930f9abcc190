import { signJwt, startTestApp, TEST_JWT_SECRET, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

const MLFLOW = /^\/(ajax-)?api\/2\.0\/mlflow/;
const PUBLIC = [/^\/health\//, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs/];

describe('credentials', () => {
  it('answers 401 on every documented route when no credential is sent', async () => {
    const doc = (await t.request('GET', '/openapi.json', { as: null })).body;
    const checked: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (PUBLIC.some((p) => p.test(path))) continue;
      const concrete = path
        .replace('{name}', 'some-model')
        .replace('{version}', '1.0.0')
        .replace('{alias}', 'champion')
        .replace('{id}', '00000000-0000-4000-8000-000000000000');
      for (const method of Object.keys(operations)) {
        const res = await t.request(method.toUpperCase(), concrete, {
          as: null,
          body: method === 'get' || method === 'head' ? undefined : {},
        });
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
        checked.push(`${method} ${path}`);
        // A HEAD answer has no body to carry the problem's code; MLflow's routes answer in MLflow's body.
        if (method === 'head') continue;
        if (MLFLOW.test(path)) expect(res.body.error_code).toBe('UNAUTHENTICATED');
        else expect(res.body.code).toBe('unauthenticated');
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });

  it('keeps health, metrics and the OpenAPI document public', async () => {
    expect((await t.request('GET', '/health/live', { as: null })).status).toBe(200);
    const ready = await t.request('GET', '/health/ready', { as: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    const docs = await t.request('GET', '/docs', { as: null });
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui-bundle.js');
    expect((await t.request('GET', '/docs/assets/swagger-ui-bundle.js', { as: null })).status).toBe(200);
  });

  it('rejects forged, expired and malformed tokens with 401', async () => {
    const forged = signJwt({ sub: 'mallory', roles: ['admin'] }, 'another-secret-that-is-long-enough-for-hs256!!');
    const expired = signJwt({ sub: 'old', roles: ['admin'] }, TEST_JWT_SECRET, -10);
    for (const bearer of [forged, expired, 'not-a-jwt', 'a.b.c']) {
      const res = await t.request('GET', '/v1/models', { as: { bearer } });
      expect(res.status).toBe(401);
    }
    const res = await t.request('GET', '/v1/models', { as: { bearer: expired } });
    expect(res.body.detail).toBe('the token has expired');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a JWT without exp, or living longer than JWT_MAX_LIFETIME_SECONDS (24 h by default)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const day = 86_400;
    const models = (bearer: string) => t.request('GET', '/v1/models', { as: { bearer } });
    // signJwt sets iat and exp; an undefined claim is left out of the token.
    const forever = await models(signJwt({ sub: 'forever', roles: ['admin'], exp: undefined }));
    expect(forever.status).toBe(401);
    expect(forever.body.detail).toBe('the token has no expiry (exp claim); tokens must expire');

    const tooLong = [
      signJwt({ sub: 'long', roles: ['viewer'] }, TEST_JWT_SECRET, day + 60),
      signJwt({ sub: 'no-iat', roles: ['viewer'], iat: undefined }, TEST_JWT_SECRET, day + 60),
      // Claiming to be issued in ten days does not make a token valid for ten days and an hour.
      signJwt({ sub: 'future-iat', roles: ['viewer'], iat: now + 10 * day }, TEST_JWT_SECRET, 10 * day + 3600),
    ];
    for (const bearer of tooLong) {
      const res = await models(bearer);
      expect({ status: res.status, detail: res.body.detail }).toEqual({
        status: 401,
        detail: "the token's lifetime (exp − iat) exceeds 86400 s (JWT_MAX_LIFETIME_SECONDS)",
      });
    }
    // Exactly a day from iat is allowed, and so is a token without iat expiring within a day.
    // iat and exp both explicit: signJwt's own clock may have ticked past `now` by the time it signs.
    const dayLong = signJwt({ sub: 'day', roles: ['viewer'], iat: now - 3600, exp: now - 3600 + day });
    expect((await models(dayLong)).status).toBe(200);
    expect((await models(signJwt({ sub: 'hour', roles: ['viewer'], iat: undefined }))).status).toBe(200);
  });

  it('maps roles to scopes: viewers read, editors write, admins manage', async () => {
    expect((await t.request('GET', '/v1/models', { as: 'viewer' })).status).toBe(200);
    const viewerWrite = await t.request('POST', '/v1/models', { as: 'viewer', body: { name: 'viewer-model' } });
    expect(viewerWrite.status).toBe(403);
    expect(viewerWrite.body).toMatchObject({ code: 'forbidden', neededScope: 'write' });
    expect((await t.request('GET', '/v1/api-keys', { as: 'editor' })).status).toBe(403);
    const noRoles = signJwt({ sub: 'nobody' });
    expect((await t.request('GET', '/v1/models', { as: { bearer: noRoles } })).status).toBe(403);
  });
});

describe('who am I', () => {
  it("tells a JWT's subject, roles, scopes and expiry, and a key's id and roles, without side effects", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const jwt = signJwt({ sub: 'alice', roles: ['editor'], exp });
    const asJwt = await t.request('GET', '/v1/auth/whoami', { as: { bearer: jwt } });
    expect(asJwt.status).toBe(200);
    expect(asJwt.body).toEqual({
      kind: 'jwt',
      id: 'alice',
      roles: ['editor'],
      scopes: ['read', 'write'],
      teams: [],
      expiresAt: new Date(exp * 1000).toISOString(),
    });

    const created = await t.request('POST', '/v1/api-keys', { body: { name: 'whoami', roles: ['viewer'] } });
    const asKey = await t.request('GET', '/v1/auth/whoami', { as: { bearer: created.body.key } });
    expect(asKey.body).toEqual({
      kind: 'api_key',
      id: `key:${created.body.id}`,
      roles: ['viewer'],
      scopes: ['read'],
      teams: [],
      expiresAt: null,
    });

    expect((await t.request('GET', '/v1/auth/whoami', { as: null })).status).toBe(401);
    expect((await t.request('GET', '/v1/auth/whoami', { as: { bearer: 'myk_000000000000_madeup' } })).status).toBe(401);
  });
});

describe('API keys', () => {
  it('shows a key once, accepts it as bearer or X-API-Key, never lists the secret, and stops it on revoke', async () => {
    const created = await t.request('POST', '/v1/api-keys', { body: { name: 'ci', roles: ['editor'] } });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^myk_[0-9a-f]{12}_[\w-]{43}$/);

    const viaBearer = await t.request('POST', '/v1/models', { as: { bearer: key }, body: { name: `key-${created.body.prefix}` } });
    expect(viaBearer.status).toBe(201);
    expect(viaBearer.body.owner).toBe(`key:${created.body.id}`);
    expect((await t.request('GET', '/v1/models', { as: { apiKey: key } })).status).toBe(200);
    expect((await t.request('GET', '/v1/api-keys', { as: { apiKey: key } })).status).toBe(403);

    const list = await t.request('GET', '/v1/api-keys');
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'ci', roles: ['editor'], revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(key);

    const revoked = await t.request('DELETE', `/v1/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await t.request('GET', '/v1/models', { as: { apiKey: key } });
    expect(after.status).toBe(401);
    expect(after.body.detail).toContain('revoked');
  });

  it('refuses expired keys and made-up keys', async () => {
    const created = await t.request('POST', '/v1/api-keys', {
      body: { name: 'short', roles: ['viewer'], expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    expect((await t.request('GET', '/v1/models', { as: { apiKey: created.body.key } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await t.request('GET', '/v1/models', { as: { apiKey: created.body.key } })).status).toBe(401);
    expect((await t.request('GET', '/v1/models', { as: { apiKey: 'myk_000000000000_madeup' } })).status).toBe(401);
    expect((await t.request('GET', '/v1/models', { as: { apiKey: 'eyJhbGciOi.not.akey' } })).status).toBe(401);
  });
});

describe('API key revocation across replicas', () => {
  let replica: TestApp;
  beforeAll(async () => {
    // A second replica on the same database and Redis prefix.
    replica = await startTestApp(buildRegistry, {}, { databaseUrl: t.databaseUrl, redisPrefix: t.redisPrefix });
  });
  // Only the app: the database and keys are the first app's, dropped when it closes.
  afterAll(() => replica.app.close());

  it('stops a revoked key on every replica at once, well within the key cache time (5 s)', async () => {
    const created = await t.request('POST', '/v1/api-keys', { body: { name: 'replicated', roles: ['viewer'] } });
    const asKey = { as: { apiKey: created.body.key as string } };
    // Now cached by the replica.
    expect((await replica.request('GET', '/v1/models', asKey)).status).toBe(200);
    expect((await t.request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
    const revokedAt = Date.now();
    let res = await replica.request('GET', '/v1/models', asKey);
    while (res.status === 200 && Date.now() - revokedAt < 4_000) {
      await new Promise((r) => setTimeout(r, 20));
      res = await replica.request('GET', '/v1/models', asKey);
    }
    expect(res.status).toBe(401);
    expect(res.body.detail).toContain('revoked');
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });
});

describe('maintenance mode', () => {
  it('answers writes with 503 and Retry-After while reads keep working', async () => {
    const name = await createModel(t);
    const on = await t.request('PUT', '/v1/admin/maintenance', { body: { enabled: true, message: 'db upgrade' } });
    expect(on.body).toEqual({ enabled: true, message: 'db upgrade', source: 'api' });
    try {
      const write = await t.request('POST', '/v1/models', { body: { name: `${name}-2` } });
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toBe('60');
      expect(write.body).toMatchObject({ code: 'maintenance_mode', detail: 'db upgrade' });
      expect((await t.request('GET', `/v1/models/${name}`)).status).toBe(200);
    } finally {
      expect((await t.request('PUT', '/v1/admin/maintenance', { body: { enabled: false } })).body.enabled).toBe(false);
    }
    expect((await t.request('POST', '/v1/models', { body: { name: `${name}-3` } })).status).toBe(201);
  });
});

describe('metrics', () => {
  it('exposes process, HTTP and registry metrics without a credential', async () => {
    await createModel(t);
    const res = await t.request('GET', '/metrics', { as: null });
    expect(res.status).toBe(200);
    expect(res.text).toContain('process_cpu_seconds_total');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/v1\/models"[^}]*\} \d+/);
    const models = /^ml_models\{[^}]*\} (\d+)$/m.exec(res.text);
    expect(Number(models?.[1])).toBeGreaterThanOrEqual(1);
    expect(res.text).toMatch(/ml_model_versions\{[^}]*stage="production"[^}]*\} \d+/);
  });
});
