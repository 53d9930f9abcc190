import { createServer } from 'node:net';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { startFaultProxy, type FaultProxy } from '@modelyard/sdk/testing';
import { buildExperiments } from '../config.js';
import { experimentBody, modelWithVersions } from './harness.js';

/** The experiments service's calls to the registry, made through the SDK, with a faulty network between them. */
let registry: TestApp;
let proxy: FaultProxy;
let experiments: TestApp;

beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  proxy = await startFaultProxy(registry.url);
  experiments = await startTestApp(buildExperiments, { REGISTRY_URL: proxy.url });
  await modelWithVersions(registry, 'svc-model', 2);
});
afterAll(async () => {
  await experiments.close();
  await proxy.close();
  await registry.close();
});

const versionChecks = () => proxy.log.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/models/svc-model/versions/'));

describe('experiments → registry through the SDK', () => {
  it('rides out a registry 503 and a dropped connection (version checks are retried)', async () => {
    proxy.inject(
      [{ status: 503, headers: { 'retry-after': '0' } }, 'drop-before'],
      (m, p) => m === 'GET' && p.startsWith('/v1/models/svc-model/versions/'),
    );
    const res = await experiments.request('POST', '/v1/experiments', { body: experimentBody('svc-retried', 'svc-model') });
    expect(res.status).toBe(201);
    // Two variants checked, two of those checks needed a second attempt.
    expect(versionChecks()).toHaveLength(4);
  });

  it('still answers 400 naming the variant when the registry says the version does not exist', async () => {
    const res = await experiments.request('POST', '/v1/experiments', {
      body: experimentBody('svc-missing', 'svc-model', {
        variants: [
          { key: 'control', version: '1.0.0', weight: 0.5 },
          { key: 'treatment', version: '9.9.9', weight: 0.5 },
        ],
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'variants.1.version' })]);
  });

  it('answers 503 upstream_unavailable with Retry-After when the registry keeps failing', async () => {
    const before = versionChecks().length;
    proxy.inject(
      Array.from({ length: 4 }, () => ({ status: 503, headers: { 'retry-after': '0' } })),
      (m) => m === 'GET',
    );
    const res = await experiments.request('POST', '/v1/experiments', { body: experimentBody('svc-down', 'svc-model') });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('upstream_unavailable');
    expect(res.headers.get('retry-after')).toBe('5');
    // The two checks run in parallel and the answer goes out when the first has failed twice (the
    // service's bound); the other's second attempt may still be on its way, so wait for it.
    const deadline = Date.now() + 5_000;
    while (versionChecks().length - before < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const mine = versionChecks().slice(before);
    expect(mine).toHaveLength(4);
    expect(mine.every((r) => r.fault !== undefined)).toBe(true);
  });

  it('answers 503 when the registry cannot be reached at all', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const orphan = await startTestApp(buildExperiments, { REGISTRY_URL: `http://127.0.0.1:${port}` });
    try {
      const res = await orphan.request('POST', '/v1/experiments', { body: experimentBody('svc-orphan', 'svc-model') });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('upstream_unavailable');
    } finally {
      await orphan.close();
    }
  });
});
