import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@modelyard/db/testing';
import { LogisticRegression } from '@modelyard/learners';
import { startTestApp, type TestApp, deleteInstallation } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { FEATURES, pipelineBody, rows, type Row } from './harness.js';
import { registryProxy, startServiceProcess, type ServiceProcess } from './service-process.js';

let registry: TestApp;
let db: TestDatabase;
let artifacts: string;
let proxy: Awaited<ReturnType<typeof registryProxy>>;
const prefix = `test-crash-${randomUUID().slice(0, 8)}`;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  artifacts = mkdtempSync(join(tmpdir(), 'learning-crash-'));
  registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: artifacts });
  db = await createTestDatabase();
  proxy = await registryProxy(registry.url);
});
afterAll(async () => {
  for (const p of processes) await p.kill();
  await proxy.close();
  await registry.close();
  await db.drop();
  await deleteInstallation(prefix);
  rmSync(artifacts, { recursive: true, force: true });
});

async function start(registryUrl: string) {
  const p = await startServiceProcess({ DATABASE_URL: db.url, REDIS_PREFIX: prefix, REGISTRY_URL: registryUrl });
  processes.push(p);
  return p;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function waitForHistory(p: ServiceProcess, count: number, timeoutMs: number): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = (await p.request('GET', '/v1/pipelines/crashy/history?limit=100')).body.items.filter(
      (u: { outcome: string }) => u.outcome === 'registered',
    );
    if (items.length >= count) return items.reverse();
    if (Date.now() > deadline) throw new Error(`no update ${count} after ${timeoutMs} ms; service output:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const record = (r: Row) => Object.fromEntries(FEATURES.map((f) => [f, r[f]!]));

describe('killing the service mid-update', () => {
  it('loses no acknowledged sample, learns none twice and keeps the last good model', async () => {
    const model = 'crash-model';
    await registry.request('POST', '/v1/models', { body: { name: model } });
    const first = await start(proxy.url);
    expect((await first.request('POST', '/v1/pipelines', pipelineBody('crashy', model))).status).toBe(201);

    // A first, completed update: the last good model (2 800 samples learned, 200 held out).
    const before = rows(21, 3000);
    expect((await first.request('POST', '/v1/pipelines/crashy/samples', { samples: before })).status).toBe(202);
    await first.request('POST', '/v1/pipelines/crashy/trigger');
    const [good] = await waitForHistory(first, 1, 30_000);
    const goodModel = await registry.request('GET', `/v1/models/${model}/versions/${good.version}/artifacts/model.json`);

    // 2 000 more samples, acknowledged; the next update reaches the registry and the process dies there.
    const after = rows(22, 2000);
    expect((await first.request('POST', '/v1/pipelines/crashy/samples', { samples: after })).status).toBe(202);
    proxy.hold();
    await first.request('POST', '/v1/pipelines/crashy/trigger');
    await proxy.held;
    await first.kill();

    // Restarted: the last good model is current and intact, every acknowledged sample is still buffered.
    const second = await start(registry.url);
    const status = (await second.request('GET', '/v1/pipelines/crashy/status')).body;
    expect(status).toMatchObject({ currentVersion: good.version, samplesSeen: 2800, bufferSize: 2200 });
    const stillGood = await registry.request('GET', `/v1/models/${model}/versions/${good.version}/artifacts/model.json`);
    expect(stillGood.text).toBe(goodModel.text);

    // BullMQ hands the interrupted job out again once its lock expires; it completes exactly once.
    const [, resumed] = await waitForHistory(second, 2, 100_000);
    expect(resumed).toMatchObject({ outcome: 'registered', samples: 2000, reason: 'manual' });
    expect(resumed.seq).toBe(2);
    const version = (await registry.request('GET', `/v1/models/${model}/versions/${resumed.version}`)).body;
    expect(version.metrics.samples_seen).toBe(4800);
    expect(version.lineage.parentVersion).toBe(good.version);
    // The version created before the crash was found again (same run, same content), not duplicated.
    expect((await registry.request('GET', `/v1/models/${model}/versions`)).body.items.length).toBe(2);

    // The registered model equals one that learned every acknowledged sample once, in order.
    const offline = new LogisticRegression({ optimizer: 'ftrl', alpha: 0.2, beta: 1, l1: 0.001, dim: 4096 });
    for (const r of [...before, ...after].slice(0, 4800)) offline.learnOne(record(r), r.label!);
    const artifact = await registry.request('GET', `/v1/models/${model}/versions/${resumed.version}/artifacts/model.json`);
    expect(JSON.parse(artifact.text)).toEqual(JSON.parse(JSON.stringify(offline.toJSON())));
    expect((await second.request('GET', '/v1/pipelines/crashy/status')).body).toMatchObject({
      bufferSize: 200,
      samplesSeen: 4800,
      currentVersion: resumed.version,
    });
  });
});
