import type { FaultProxy } from '@modelyard/sdk/testing';
import { createModel, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness } from './harness.js';

let h: Harness;
let proxy: FaultProxy;
const model = 'retried-model';
beforeAll(async () => {
  h = await startHarness({ experimentsProxy: true });
  proxy = h.experimentsProxy!;
  await createModel(h.registry, model);
});
afterAll(async () => {
  await h.close();
});

const isCreate = (method: string, path: string) => method === 'POST' && path === '/v1/experiments';
const isStart = (method: string, path: string) => method === 'POST' && /^\/v1\/experiments\/[^/]+\/start$/.test(path);

describe('an update retried after it registered', () => {
  it('completes: one version, in staging, its experiment running, the run registered', async () => {
    const body = pipelineBody('retried', model, {
      gate: { metric: 'accuracy', direction: 'higher', tolerance: 1, holdout: 200 },
      register: { stage: 'staging', startExperiment: true, experimentMetric: 'clicked', autoPromote: false },
    });
    expect((await h.learning.request('POST', '/v1/pipelines', { body })).status).toBe(201);
    await feed(h.learning, 'retried', rows(61, 1500));
    await h.learning.request('POST', '/v1/pipelines/retried/trigger');
    const [first] = await waitForUpdates(h.learning, 'retried', 1);
    expect((await h.registry.request('POST', `/v1/models/${model}/versions/${first.version}/promote`, { body: {} })).status).toBe(200);

    // First attempt: the version is created, uploaded and staged, then the experiments service is
    // unreachable (every try of the SDK). Second attempt: the experiment is created, and its start
    // happens but the answer is lost (the SDK does not repeat a start). Third attempt: the start
    // meets a running experiment, which counts as started.
    proxy.inject(['drop-before', 'drop-before', 'drop-before'], isCreate);
    proxy.inject(['drop-after'], isStart);
    await feed(h.learning, 'retried', rows(62, 1000));
    await h.learning.request('POST', '/v1/pipelines/retried/trigger');
    await waitForUpdates(h.learning, 'retried', 2, 30_000);

    const history = (await h.learning.request('GET', '/v1/pipelines/retried/history')).body.items.reverse();
    expect(history.map((u: { seq: number; outcome: string }) => [u.seq, u.outcome])).toEqual([
      [1, 'registered'],
      [2, 'failed'],
      [2, 'failed'],
      [2, 'registered'],
    ]);
    expect(history[1].detail).toMatch(/experiments unavailable/);
    const second = history[3];
    expect(second.version).toBe('1.0.1');
    expect(second.experimentKey).toBe('retried-v1.0.1');

    const versions = (await h.registry.request('GET', `/v1/models/${model}/versions`)).body.items;
    expect(versions.map((v: { version: string; stage: string }) => [v.version, v.stage]).sort()).toEqual([
      ['1.0.0', 'production'],
      ['1.0.1', 'staging'],
    ]);
    const manifest = (await h.registry.request('GET', `/v1/models/${model}/versions/1.0.1/artifacts`)).body;
    expect(manifest.items.map((a: { path: string }) => a.path)).toEqual(['model.json', 'model.onnx']);
    const experiment = (await h.experiments!.request('GET', `/v1/experiments/${second.experimentKey}`)).body;
    expect(experiment).toMatchObject({
      status: 'running',
      variants: [
        { key: 'control', version: '1.0.0', weight: 0.5 },
        { key: 'challenger', version: '1.0.1', weight: 0.5 },
      ],
    });
    expect((await h.learning.request('GET', '/v1/pipelines/retried/status')).body).toMatchObject({
      currentVersion: '1.0.1',
      samplesSeen: 2300,
    });

    // Every injected fault was met, and the creates all carried the same key (one experiment).
    const faults = proxy.log.filter((r) => r.fault).map((r) => r.fault);
    expect(faults).toEqual(['drop-before', 'drop-before', 'drop-before', 'drop-after']);
    const createKeys = new Set(proxy.log.filter((r) => isCreate(r.method, r.path)).map((r) => r.idempotencyKey));
    expect([...createKeys]).toEqual([`learning:${second.experimentKey}`]);
  });
});
