import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildLearning } from '../config.js';
import { createModel, feed, pipelineBody, rows, waitForUpdates } from './harness.js';
import { registryProxy } from './service-process.js';

let registry: TestApp;
let learning: TestApp;
let proxy: Awaited<ReturnType<typeof registryProxy>>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'learning-degradation-'));
  registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: dir });
  proxy = await registryProxy(registry.url);
  learning = await startTestApp(buildLearning, { REGISTRY_URL: proxy.url });
  await createModel(registry, 'flaky-model');
});
afterAll(async () => {
  await learning.close();
  await proxy.close();
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a registry outage during an update', () => {
  it('fails the attempt without touching the model or the buffer, and the retry registers once the registry is back', async () => {
    await learning.request('POST', '/v1/pipelines', { body: pipelineBody('flaky', 'flaky-model') });
    await feed(learning, 'flaky', rows(41, 1200));
    await learning.request('POST', '/v1/pipelines/flaky/trigger');
    const [good] = await waitForUpdates(learning, 'flaky', 1);
    const before = (await learning.request('GET', '/v1/pipelines/flaky/status')).body;

    await feed(learning, 'flaky', rows(42, 800));
    proxy.setOutage(true);
    await learning.request('POST', '/v1/pipelines/flaky/trigger');
    const deadline = Date.now() + 20_000;
    let failed: { outcome: string; detail: string }[] = [];
    while (!failed.length && Date.now() < deadline) {
      failed = (await learning.request('GET', '/v1/pipelines/flaky/history')).body.items.filter(
        (u: { outcome: string }) => u.outcome === 'failed',
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(failed[0]!.detail).toMatch(/registry/i);
    const during = (await learning.request('GET', '/v1/pipelines/flaky/status')).body;
    expect(during).toMatchObject({
      currentVersion: good.version,
      samplesSeen: before.samplesSeen,
      bufferSize: 1000,
      metrics: before.metrics,
    });

    proxy.setOutage(false);
    const [, retried] = await waitForUpdates(learning, 'flaky', 2, 30_000);
    expect(retried).toMatchObject({ outcome: 'registered', samples: 800, reason: 'manual' });
    expect((await learning.request('GET', '/v1/pipelines/flaky/status')).body).toMatchObject({
      samplesSeen: 1800,
      bufferSize: 200,
      currentVersion: retried.version,
    });
    expect((await registry.request('GET', '/v1/models/flaky-model/versions')).body.items.length).toBe(2);
  });
});
