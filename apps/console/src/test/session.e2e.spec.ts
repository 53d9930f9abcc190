import { signJwt, startTestApp, tokenFor, type TestApp, testRedis } from '@modelyard/platform/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildConsole } from '../config.js';
import { signIn, startHarness, viaConsole, type Harness } from './harness.js';
import { keysMatching } from '@modelyard/platform';

let h: Harness;
let adminKey: string;
let misbehaving: Server;

/** A "serving" service that never answers /hang, and breaks off /break's body half-way. */
async function startMisbehavingService(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/break')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"items": [');
      setTimeout(() => res.socket?.destroy(), 50);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  misbehaving = await startMisbehavingService();
  const { port } = misbehaving.address() as AddressInfo;
  // Nothing listens on port 9 (discard): the learning service is "down" for this console.
  h = await startHarness({
    LEARNING_URL: 'http://127.0.0.1:9',
    SERVING_URL: `http://127.0.0.1:${port}`,
    CONSOLE_PROXY_TIMEOUT_MS: '500',
    CONSOLE_SESSION_IDLE_SECONDS: '600',
  });
  const created = await h.registry.request('POST', '/v1/api-keys', { body: { name: 'console', roles: ['admin'] } });
  adminKey = created.body.key;
}, 120_000);
afterAll(async () => {
  await h.close();
  misbehaving.closeAllConnections();
  await new Promise((resolve) => misbehaving.close(resolve));
});

describe('sign-in', () => {
  it('checks the credential with the registry and keeps it server-side behind an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await fetch(`${h.console.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: adminKey }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^modelyard_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const text = await res.text();
    expect(text).not.toContain(adminKey);
    expect(JSON.parse(text)).toMatchObject({ who: { kind: 'api_key', roles: ['admin'] }, csrfToken: expect.any(String) });

    // In Redis under the installation's prefix, keyed by a hash of the cookie (not the cookie itself).
    const redis = testRedis();
    const keys = await keysMatching(redis, `${h.console.redisPrefix}:console:session:*`);
    const value = cookie.split(';')[0]!.split('=')[1]!;
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys.some((k) => k.includes(value))).toBe(false);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    await redis.quit();
  });

  it('refuses a credential the registry does not accept with 401, and a JWT signs in too', async () => {
    const bad = await viaConsole(h.console, null, 'POST', '/session', { body: { credential: 'myk_000000000000_madeup' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const missing = await viaConsole(h.console, null, 'POST', '/session', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('credential');
    const jwt = await signIn(h.console, tokenFor('viewer', 'vera'));
    const session = await viaConsole(h.console, jwt, 'GET', '/session');
    expect(session.body.who).toMatchObject({ kind: 'jwt', id: 'vera', roles: ['viewer'], scopes: ['read'] });
  });

  it('signs out: the session is gone and its cookie opens nothing', async () => {
    const s = await signIn(h.console, adminKey);
    expect((await viaConsole(h.console, s, 'GET', '/session')).status).toBe(200);
    const noToken = await viaConsole(h.console, s, 'DELETE', '/session', { csrf: false });
    expect(noToken.status).toBe(403);
    const out = await viaConsole(h.console, s, 'DELETE', '/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await viaConsole(h.console, s, 'GET', '/session')).status).toBe(401);
    expect((await viaConsole(h.console, s, 'GET', '/api/registry/v1/models')).status).toBe(401);
  });

  it('ends the session when its credential expires', async () => {
    const s = await signIn(h.console, signJwt({ sub: 'brief', roles: ['viewer'] }, undefined, 2));
    const live = await viaConsole(h.console, s, 'GET', '/session');
    expect(live.status).toBe(200);
    expect(Date.parse(live.body.endsAt) - Date.now()).toBeLessThanOrEqual(2_000);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await viaConsole(h.console, s, 'GET', '/session')).status).toBe(401);
  });

  it('marks the cookie Secure (and __Host-) when the browser came over HTTPS through a trusted proxy', async () => {
    const shared = { databaseUrl: h.console.databaseUrl, redisPrefix: h.console.redisPrefix };
    const behindProxy: TestApp = await startTestApp(
      buildConsole,
      { REGISTRY_URL: h.registry.url, TRUSTED_PROXIES: '127.0.0.1,::1' },
      shared,
    );
    try {
      const res = await fetch(`${behindProxy.url}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ credential: adminKey }),
      });
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-modelyard_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
      // Without a trusted proxy the header is not believed.
      const direct = await fetch(`${h.console.url}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ credential: adminKey }),
      });
      expect(direct.headers.get('set-cookie')).not.toContain('Secure');
    } finally {
      await behindProxy.app.close();
    }
  });
});

describe('forwarding to the services', () => {
  it('answers 401 without a session, and forwards with the session credential otherwise', async () => {
    expect((await viaConsole(h.console, null, 'GET', '/api/registry/v1/models')).status).toBe(401);
    const s = await signIn(h.console, adminKey);
    const created = await viaConsole(h.console, s, 'POST', '/api/registry/v1/models', { body: { name: 'via-console' } });
    expect(created.status).toBe(201);
    expect(created.body.owner).toMatch(/^key:/);
    const listed = await viaConsole(h.console, s, 'GET', '/api/registry/v1/models?prefix=via-');
    expect(listed.body.items.map((m: { name: string }) => m.name)).toEqual(['via-console']);
  });

  it('refuses a state-changing call without the CSRF token, or from another site, with 403', async () => {
    const s = await signIn(h.console, adminKey);
    const noToken = await viaConsole(h.console, s, 'POST', '/api/registry/v1/models', { body: { name: 'csrf-a' }, csrf: false });
    expect(noToken.status).toBe(403);
    expect(noToken.body.code).toBe('csrf_rejected');
    const wrong = await viaConsole(h.console, s, 'POST', '/api/registry/v1/models', {
      body: { name: 'csrf-b' },
      csrf: false,
      headers: { 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrong.status).toBe(403);
    const crossSite = await viaConsole(h.console, s, 'POST', '/api/registry/v1/models', {
      body: { name: 'csrf-c' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const other = await signIn(h.console, adminKey);
    const othersToken = await viaConsole(h.console, { ...s, csrfToken: other.csrfToken }, 'POST', '/api/registry/v1/models', {
      body: { name: 'csrf-d' },
    });
    expect(othersToken.status).toBe(403);
    const names = (await h.registry.request('GET', '/v1/models?prefix=csrf-')).body.items;
    expect(names).toEqual([]);
  });

  it("passes a service's status and problem+json through (a viewer's promote is 403)", async () => {
    await h.registry.request('POST', '/v1/models', { body: { name: 'pass-through' } });
    const viewer = await signIn(h.console, tokenFor('viewer'));
    const res = await viaConsole(h.console, viewer, 'POST', '/api/registry/v1/models/pass-through/versions', { body: {} });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'forbidden', neededScope: 'write' });
    const missing = await viaConsole(h.console, viewer, 'GET', '/api/registry/v1/models/no-such-model');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });

  it('reaches only the services it knows, and answers 503 when one is down', async () => {
    const s = await signIn(h.console, adminKey);
    const unknown = await viaConsole(h.console, s, 'GET', '/api/127.0.0.1:6379/anything');
    expect(unknown.status).toBe(404);
    const proto = await viaConsole(h.console, s, 'GET', '/api/__proto__/x');
    expect(proto.status).toBe(404);
    const down = await viaConsole(h.console, s, 'GET', '/api/learning/v1/pipelines');
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('upstream_unavailable');
    const experiments = await viaConsole(h.console, s, 'GET', '/api/experiments/v1/experiments');
    expect(experiments.status).toBe(200);
    expect(experiments.body.items).toEqual([]);
  });
});

describe('a service that misbehaves', () => {
  it('answers 503 once the service has not answered within CONSOLE_PROXY_TIMEOUT_MS', async () => {
    const s = await signIn(h.console, adminKey);
    const started = Date.now();
    const res = await viaConsole(h.console, s, 'GET', '/api/serving/hang');
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('upstream_unavailable');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("breaks off the browser's answer when the service breaks off its body, and keeps serving", async () => {
    const s = await signIn(h.console, adminKey);
    const res = await fetch(`${h.console.url}/api/serving/break`, { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect((await viaConsole(h.console, s, 'GET', '/api/registry/v1/models')).status).toBe(200);
  });
});

describe('the app itself', () => {
  it('serves the app for every page URL with a CSP that allows no inline script, and hashed assets as immutable', async () => {
    for (const path of ['/', '/models', '/models/some-model?metric=auc', '/sign-in']) {
      const res = await fetch(`${h.console.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toContain('text/html');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }
    const html = await (await fetch(`${h.console.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${h.console.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${h.console.url}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${h.console.url}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('answers its health routes', async () => {
    expect((await fetch(`${h.console.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${h.console.url}/health/ready`)).status).toBe(200);
  });
});
