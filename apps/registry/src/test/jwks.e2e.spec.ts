import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signJwt, startTestApp, TEST_JWT_SECRET, type TestApp, testRedis } from '@modelyard/platform/testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createAdminKey } from '../admin-key.js';
import { buildRegistry } from '../config.js';
import { keysMatching } from '@modelyard/platform';

// A real identity provider stand-in: an HTTP server on loopback publishing a JWKS.
const keys: JWK[] = [];
let idpDown = false;
let server: Server;
let t: TestApp;
let signing: CryptoKey;

async function addKey(kid: string) {
  const pair = await generateKeyPair('RS256');
  keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });
  return pair.privateKey;
}

function token(
  key: CryptoKey,
  kid: string,
  claims: Record<string, unknown> = {},
  iss = 'https://idp.test',
  aud = 'modelyard',
  expiresIn: string | null = '5m',
) {
  const jwt = new SignJWT({ roles: ['editor'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setSubject('alice@idp')
    .setIssuer(iss)
    .setAudience(aud);
  return (expiresIn === null ? jwt : jwt.setIssuedAt().setExpirationTime(expiresIn)).sign(key);
}

beforeAll(async () => {
  signing = await addKey('k1');
  server = createServer((_req, res) =>
    idpDown
      ? res.writeHead(502).end('bad gateway')
      : res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t = await startTestApp(buildRegistry, {
    JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
    JWT_ISSUER: 'https://idp.test',
    JWT_AUDIENCE: 'modelyard',
    JWT_MAX_LIFETIME_SECONDS: '600',
    // Counted (the test kit turns the limit off), high enough never to lock the suite out.
    AUTH_FAILURE_LIMIT_MAX: '1000',
  });
});
afterAll(async () => {
  await t.close();
  server.close();
});

describe('RS256 tokens from a JWKS', () => {
  it('accepts a token signed by a published key, with the roles it carries', async () => {
    const res = await t.request('POST', '/v1/models', { as: { bearer: await token(signing, 'k1') }, body: { name: 'jwks-model' } });
    expect(res.status).toBe(201);
    expect(res.body.owner).toBe('alice@idp');
  });

  it('rejects the wrong issuer, the wrong audience, an unknown key and an HS256 token', async () => {
    const stranger = (await generateKeyPair('RS256')).privateKey;
    const bad = [
      await token(signing, 'k1', {}, 'https://evil.test'),
      await token(signing, 'k1', {}, 'https://idp.test', 'other-api'),
      await token(stranger, 'k1'),
      signJwt({ sub: 'x', roles: ['admin'] }, TEST_JWT_SECRET),
    ];
    for (const bearer of bad) expect((await t.request('GET', '/v1/models', { as: { bearer } })).status).toBe(401);
  });

  it('refuses a token without exp, or living longer than JWT_MAX_LIFETIME_SECONDS', async () => {
    const lasting = async (expiresIn: string | null) => {
      const bearer = await token(signing, 'k1', {}, undefined, undefined, expiresIn);
      return t.request('GET', '/v1/models', { as: { bearer } });
    };
    const forever = await lasting(null);
    expect(forever.status).toBe(401);
    expect(forever.body.detail).toBe('the token has no expiry (exp claim); tokens must expire');
    const long = await lasting('15m');
    expect(long.status).toBe(401);
    expect(long.body.detail).toBe("the token's lifetime (exp − iat) exceeds 600 s (JWT_MAX_LIFETIME_SECONDS)");
    expect((await lasting('10m')).status).toBe(200);
  });

  it('picks up a rotated key without a restart', async () => {
    const rotated = await addKey('k2');
    // The key set is refetched for an unknown key id once the cool-down since the last fetch is over.
    await new Promise((r) => setTimeout(r, 5_100));
    const res = await t.request('GET', '/v1/models', { as: { bearer: await token(rotated, 'k2', { roles: ['viewer'] }) } });
    expect(res.status).toBe(200);
  });
});

describe('an identity provider that cannot be reached', () => {
  /** Failed authentications counted against 127.0.0.1 (the limiter's Redis counter). */
  async function failedAuthentications(): Promise<number> {
    const redis = testRedis();
    try {
      const [key] = await keysMatching(redis, `${t.redisPrefix}:authfail:*`);
      return key ? Number(await redis.get(key)) : 0;
    } finally {
      redis.disconnect();
    }
  }

  it('answers 503 with Retry-After, not 401, and does not count it as a failed authentication', async () => {
    const before = await failedAuthentications();
    const unknownKey = await addKey('k-while-down');
    // Past the refetch cool-down, so the unknown kid makes jose fetch the (failing) key set.
    await new Promise((r) => setTimeout(r, 5_100));
    idpDown = true;
    try {
      const res = await t.request('GET', '/v1/models', { as: { bearer: await token(unknownKey, 'k-while-down') } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.detail).toMatch(/^the JWKS could not be fetched/);
    } finally {
      idpDown = false;
    }
    expect(await failedAuthentications()).toBe(before);
    // The counter does count refusals: the check above can fail.
    expect((await t.request('GET', '/v1/models', { as: { bearer: 'not-a-token' } })).status).toBe(401);
    expect(await failedAuthentications()).toBe(before + 1);
  });
});

describe('create-admin-key CLI', () => {
  it('mints a working admin key straight into the database', async () => {
    const key = await createAdminKey(['--name', 'first admin'], { DATABASE_URL: t.databaseUrl });
    expect(key.roles).toEqual(['admin']);
    const list = await t.request('GET', '/v1/api-keys', { as: { apiKey: key.key } });
    expect(list.status).toBe(200);
    expect(list.body.items.map((k: { name: string }) => k.name)).toContain('first admin');
    await expect(createAdminKey(['--roles', 'root'], { DATABASE_URL: t.databaseUrl })).rejects.toThrow();
  });
});
