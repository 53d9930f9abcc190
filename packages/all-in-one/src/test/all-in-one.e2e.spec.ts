import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@modelyard/db/testing';
import { PrismaService, RedisService, shareClients, startServices, type RunningServices } from '@modelyard/platform';
import { TEST_JWT_SECRET, tokenFor } from '@modelyard/platform/testing';
import { servicesToStart } from '../services.js';

/** A port nobody listens on now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let db: TestDatabase;
let running: RunningServices;
const NAMES = ['registry', 'experiments', 'drift', 'learning', 'serving', 'console'];
beforeAll(async () => {
  db = await createTestDatabase();
  const ports = await Promise.all(NAMES.map(freePort));
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `aio-${process.pid}`,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ARTIFACT_DIR: mkdtempSync(join(tmpdir(), 'aio-artifacts-')),
    SERVING_CACHE_DIR: mkdtempSync(join(tmpdir(), 'aio-cache-')),
  };
  NAMES.forEach((name, i) => (env[`PORT_${name.toUpperCase()}`] = String(ports[i])));
  running = await startServices(servicesToStart(env), 'silent');
}, 120_000);
afterAll(async () => {
  await running?.close();
  shareClients(false);
  await db?.drop();
}, 60_000);

const call = (service: string, method: string, path: string, body?: unknown) =>
  fetch(`${running.urls.get(service)}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokenFor('admin')}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('every service in one process', () => {
  it('answers on each service port, ready', async () => {
    expect([...running.urls.keys()]).toEqual(NAMES);
    for (const name of NAMES) {
      const res = await fetch(`${running.urls.get(name)}/health/ready`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
  });

  it('shares one Prisma client and one Redis client among the services', () => {
    const apps = [...running.apps.values()];
    expect(new Set(apps.map((a) => a.get(PrismaService))).size).toBe(1);
    expect(new Set(apps.map((a) => a.get(RedisService).client)).size).toBe(1);
  });

  it('lets the services call each other as separate processes do (an experiment checks its versions in the registry)', async () => {
    expect((await call('registry', 'POST', '/v1/models', { name: 'aio' })).status).toBe(201);
    for (const version of ['1.0.0', '1.0.1'])
      expect((await call('registry', 'POST', '/v1/models/aio/versions', { version })).status).toBe(201);
    const variants = (second: string) => [
      { key: 'control', version: '1.0.0', weight: 1 },
      { key: 'treatment', version: second, weight: 1 },
    ];
    const base = { model: 'aio', control: 'control', primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' } };
    expect((await call('experiments', 'POST', '/v1/experiments', { ...base, key: 'aio-ok', variants: variants('1.0.1') })).status).toBe(
      201,
    );
    const missing = await call('experiments', 'POST', '/v1/experiments', { ...base, key: 'aio-missing', variants: variants('9.9.9') });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'variants.1.version', in: 'body', message: 'aio@9.9.9 is not in the registry' },
    ]);
  });
});
