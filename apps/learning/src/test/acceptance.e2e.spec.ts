import {
  Accuracy,
  LinearRegression,
  LogLoss,
  LogisticRegression,
  Mae,
  progressiveValidation,
  Rmse,
  Rng,
  RocAuc,
  toOnnx,
} from '@modelyard/learners';
import { createModel, FEATURES, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness, type Row } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** The learner of pipelineBody(), built directly with packages/learners. */
function offlineModel() {
  return new LogisticRegression({ optimizer: 'ftrl', alpha: 0.2, beta: 1, l1: 0.001, dim: 4096 });
}

const record = (r: Row) => Object.fromEntries(FEATURES.map((f) => [f, r[f]!]));

describe('a pipeline fed a seeded stream', () => {
  const model = 'acceptance-model';
  const data = rows(7, 3000);
  const poisoned = rows(8, 2000).map((r, i) => (i < 1800 ? { ...r, label: 1 - r.label! } : r));

  beforeAll(async () => {
    await createModel(h.registry, model);
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('accept', model) })).status).toBe(201);
  });

  it('registers a version whose metrics and model equal an offline run of the same learner on the same samples', async () => {
    await feed(h.learning, 'accept', data);
    const trigger = await h.learning.request('POST', '/v1/pipelines/accept/trigger');
    expect(trigger.status).toBe(202);
    const [update] = await waitForUpdates(h.learning, 'accept', 1);
    expect(update).toMatchObject({ outcome: 'registered', samples: 2800, holdout: 200, reason: 'manual' });
    expect(update.gate).toMatchObject({ passed: true, productionVersion: null, reason: 'no production version to compare with' });

    // Offline: the same learner, test-then-train over the same 2 800 samples (the last 200 are held out).
    const offline = offlineModel();
    const result = progressiveValidation(
      offline,
      data.slice(0, 2800).map((r) => ({ x: record(r), y: r.label! })),
      [new Accuracy(), new LogLoss(), new RocAuc()],
    );
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${update.version}`)).body;
    expect(version.stage).toBe('staging');
    expect(version.metrics.accuracy).toBe(result.metrics.accuracy);
    expect(version.metrics.log_loss).toBe(result.metrics.log_loss);
    expect(version.metrics.roc_auc).toBe(result.metrics.roc_auc);
    expect(version.metrics.samples).toBe(2800);
    expect(result.metrics.accuracy).toBeGreaterThan(0.75);
    const holdoutAccuracy = data.slice(2800).filter((r) => offline.predictOne(record(r)) === r.label).length / 200;
    expect(version.metrics.holdout_accuracy).toBe(holdoutAccuracy);
    expect(version.lineage).toMatchObject({
      pipelineId: update && (await h.learning.request('GET', '/v1/pipelines/accept')).body.id,
      parentVersion: null,
    });
    expect(version.trainingInfo).toMatchObject({ samples: 2800, fromSample: 0, toSample: 2800, reason: 'manual' });

    // The artifact is the serialised model, identical to the offline one.
    const artifact = await fetch(`${h.registry.url}/v1/models/${model}/versions/${update.version}/artifacts/model.json`, {
      headers: { authorization: `Bearer ${(await import('@modelyard/platform/testing')).tokenFor('viewer')}` },
    });
    expect(artifact.status).toBe(200);
    expect(await artifact.json()).toEqual(JSON.parse(JSON.stringify(offline.toJSON())));
    // Beside it, the same model as ONNX: exactly what exporting the offline model gives.
    const onnx = await fetch(`${h.registry.url}/v1/models/${model}/versions/${update.version}/artifacts/model.onnx`, {
      headers: { authorization: `Bearer ${(await import('@modelyard/platform/testing')).tokenFor('viewer')}` },
    });
    expect(onnx.status).toBe(200);
    const features = FEATURES.map((name) => ({ name, kind: 'numeric' as const }));
    const exported = Buffer.from(toOnnx(offline, { input: { kind: 'records', features } }));
    expect(Buffer.from(await onnx.arrayBuffer())).toEqual(exported);

    const status = (await h.learning.request('GET', '/v1/pipelines/accept/status')).body;
    expect(status).toMatchObject({ state: 'active', bufferSize: 200, samplesSeen: 2800, currentVersion: update.version, updating: false });
    expect(status.lastUpdate.id).toBe(update.id);
    expect(status.metrics['accuracy@1000']).toBeGreaterThan(0.7);
  });

  it('refuses a candidate made worse on purpose, registers nothing and keeps the last good model', async () => {
    const [first] = await waitForUpdates(h.learning, 'accept', 1);
    expect((await h.registry.request('POST', `/v1/models/${model}/versions/${first.version}/promote`, { body: {} })).status).toBe(200);
    const versionsBefore = (await h.registry.request('GET', `/v1/models/${model}/versions`)).body.items.length;
    const statusBefore = (await h.learning.request('GET', '/v1/pipelines/accept/status')).body;

    // The held-out 200 left from the first run, then 1 800 samples with flipped labels, then 200 clean ones.
    await feed(h.learning, 'accept', poisoned);
    await h.learning.request('POST', '/v1/pipelines/accept/trigger');
    const [, second] = await waitForUpdates(h.learning, 'accept', 2);
    expect(second).toMatchObject({ outcome: 'rejected', version: null, samples: 2000, holdout: 200 });
    expect(second.gate.passed).toBe(false);
    expect(second.gate.productionVersion).toBe(first.version);
    expect(second.gate.candidate).toBeLessThan(second.gate.production - 0.1);

    expect((await h.registry.request('GET', `/v1/models/${model}/versions`)).body.items.length).toBe(versionsBefore);
    const status = (await h.learning.request('GET', '/v1/pipelines/accept/status')).body;
    expect(status.currentVersion).toBe(first.version);
    expect(status.samplesSeen).toBe(statusBefore.samplesSeen);
    expect(status.metrics).toEqual(statusBefore.metrics);
    // The refused samples are consumed; only the newest held-out ones wait for the next run.
    expect(status.bufferSize).toBe(200);
  });

  it('registers the next good candidate with the last accepted version as parent', async () => {
    const [first] = await waitForUpdates(h.learning, 'accept', 1);
    await feed(h.learning, 'accept', rows(9, 1000));
    await h.learning.request('POST', '/v1/pipelines/accept/trigger');
    const third = (await waitForUpdates(h.learning, 'accept', 3))[2];
    expect(third.outcome).toBe('registered');
    expect(third.gate).toMatchObject({ passed: true, productionVersion: first.version });
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${third.version}`)).body;
    expect(version.lineage.parentVersion).toBe(first.version);
    expect(version.metrics.samples_seen).toBe(2800 + 1000);
  });

  it('reports updates, processed samples and current metrics at /metrics', async () => {
    const text = (await h.learning.request('GET', '/metrics', { as: null })).text;
    expect(text).toMatch(/ml_pipeline_updates_total\{pipeline="accept",outcome="registered"[^}]*\} 2/);
    expect(text).toMatch(/ml_pipeline_updates_total\{pipeline="accept",outcome="rejected"[^}]*\} 1/);
    // 2 800 + 2 000 (refused) + 1 000 samples went through updates.
    expect(text).toMatch(/ml_pipeline_samples_processed_total\{pipeline="accept"[^}]*\} 5800/);
    expect(text).toMatch(/ml_pipeline_buffer_size\{pipeline="accept"[^}]*\} 200/);
    const status = (await h.learning.request('GET', '/v1/pipelines/accept/status')).body;
    const accuracy = text.match(/ml_pipeline_metric\{pipeline="accept",metric="accuracy@1000"[^}]*\} ([\d.e-]+)/);
    expect(Number(accuracy?.[1])).toBe(status.metrics['accuracy@1000']);
  });
});

describe('a regression pipeline with categorical and boolean features', () => {
  it('registers mae and rmse equal to an offline run', async () => {
    await createModel(h.registry, 'price-model');
    const body = {
      ...pipelineBody('price', 'price-model'),
      learner: { type: 'linear_regression', optimizer: 'adagrad', hyperparameters: { learningRate: 0.5 } },
      features: [
        { name: 'size', kind: 'numeric' },
        { name: 'city', kind: 'categorical' },
        { name: 'garden', kind: 'boolean' },
      ],
      target: 'price',
      gate: { metric: 'rmse', direction: 'lower', tolerance: 0, holdout: 100 },
    };
    expect((await h.learning.request('POST', '/v1/pipelines', { body })).status).toBe(201);
    const rng = new Rng(5);
    const cities = ['paris', 'lyon', 'lille'];
    const data = Array.from({ length: 1100 }, () => {
      const size = rng.uniform() * 3;
      const city = cities[Math.floor(rng.uniform() * 3)]!;
      const garden = rng.uniform() < 0.3;
      return { size, city, garden, price: 2 * size + (city === 'paris' ? 3 : 1) + (garden ? 0.5 : 0) + 0.1 * rng.normal() };
    });
    expect((await h.learning.request('POST', '/v1/pipelines/price/samples', { body: { samples: data } })).status).toBe(202);
    await h.learning.request('POST', '/v1/pipelines/price/trigger');
    const [update] = await waitForUpdates(h.learning, 'price', 1);
    expect(update).toMatchObject({ outcome: 'registered', samples: 1000 });

    const offline = new LinearRegression({ optimizer: 'adagrad', learningRate: 0.5, dim: 4096 });
    const result = progressiveValidation(
      offline,
      data.slice(0, 1000).map(({ price, ...x }) => ({ x, y: price })),
      [new Mae(), new Rmse()],
    );
    const version = (await h.registry.request('GET', `/v1/models/price-model/versions/${update.version}`)).body;
    expect(version.metrics.mae).toBe(result.metrics.mae);
    expect(version.metrics.rmse).toBe(result.metrics.rmse);
    expect(result.metrics.rmse).toBeLessThan(1);
    expect(version.outputSchema).toEqual({ target: 'price', type: 'linear_regression' });
  });
});
