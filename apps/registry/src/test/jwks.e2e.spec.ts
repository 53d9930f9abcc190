import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signJwt, startTestApp, TEST_JWT_SECRET, type TestApp } from '@modelyard/platform/testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createAdminKey } from '../admin-key.js';
import { buildRegistry } from '../config.js';

// A real identity provider stand-in: an HTTP server on loopback publishing a JWKS.
const keys: JWK[] = [];
let server: Server;
let t: TestApp;
let signing: CryptoKey;

async function addKey(kid: string) {
  const pair = await generateKeyPair('RS256');
  keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });
  return pair.privateKey;
}

function token(key: CryptoKey, kid: string, claims: Record<string, unknown> = {}, iss = 'https://idp.test', aud = 'modelyard') {
  return new SignJWT({ roles: ['editor'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setSubject('alice@idp')
    .setIssuer(iss)
    .setAudience(aud)
    .setExpirationTime('5m')
    .sign(key);
}

beforeAll(async () => {
  signing = await addKey('k1');
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t = await startTestApp(buildRegistry, {
    JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
    JWT_ISSUER: 'https://idp.test',
    JWT_AUDIENCE: 'modelyard',
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

  it('picks up a rotated key without a restart', async () => {
    const rotated = await addKey('k2');
    // The key set is refetched for an unknown key id once the cool-down since the last fetch is over.
    await new Promise((r) => setTimeout(r, 5_100));
    const res = await t.request('GET', '/v1/models', { as: { bearer: await token(rotated, 'k2', { roles: ['viewer'] }) } });
    expect(res.status).toBe(200);
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
