import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDrift } from '@modelyard/drift/testing';
import { buildLearning } from '@modelyard/learning/testing';
import { linearClassifierOnnx } from '@modelyard/learners/testing';
import { RedisService } from '@modelyard/platform';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildServing, type ServingSettings } from '../config.js';
import { FeatureStore } from '../feedback/feature-store.js';
import { FeedbackMetrics } from '../feedback/feedback.metrics.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { eventually, KIT_SCHEMA, productionVersion, uniqueName, untilServing } from './fixtures.js';

// The loop without client-side code: serving sends every prediction to the model's drift monitor
// (record id = prediction id) and labels from /feedback to the monitor and, with the features it
// kept, to the learning pipeline. Registry, drift, learning and serving are real services over HTTP.
let registry: TestApp;
let drift: TestApp;
let learning: TestApp;
let serving: TestApp;
let servingEnv: Record<string, string>;
const dirs: string[] = [];
const model = uniqueName('loop');
let monitorId: string;
let pipelineId: string;

beforeAll(async () => {
  const artifacts = mkdtempSync(join(tmpdir(), 'feedback-artifacts-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'feedback-cache-'));
  dirs.push(artifacts, cacheDir);
  registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: artifacts, OUTBOX_POLL_MS: '50' });
  const shared = { databaseUrl: registry.databaseUrl, redisPrefix: registry.redisPrefix };
  drift = await startTestApp(buildDrift, {}, shared);
  learning = await startTestApp(buildLearning, { REGISTRY_URL: registry.url }, shared);
  servingEnv = {
    REGISTRY_URL: registry.url,
    DRIFT_URL: drift.url,
    LEARNING_URL: learning.url,
    REDIS_PREFIX: registry.redisPrefix,
    SERVING_CACHE_DIR: cacheDir,
    SERVING_FEEDBACK_TARGETS_SECONDS: '0.2',
  };

  const version = await productionVersion(registry, model, { bytes: linearClassifierOnnx(), inputSchema: KIT_SCHEMA });
  const monitor = await drift.request('POST', '/v1/monitors', {
    body: {
      name: 'served',
      model,
      features: [
        { name: 'x0', kind: 'numeric' },
        { name: 'x1', kind: 'numeric' },
      ],
      prediction: { name: 'y', kind: 'categorical' },
      label: { name: 'y', kind: 'categorical' },
      window: { size: 10_000 },
      schedule: { everySeconds: 3600 },
    },
  });
  expect(monitor.status).toBe(201);
  monitorId = monitor.body.id;
  const reference = Array.from({ length: 50 }, (_, i) => ({ features: { x0: i / 10, x1: -i / 10 }, prediction: i % 2 }));
  expect((await drift.request('POST', `/v1/monitors/${monitorId}/reference`, { body: { records: reference } })).status).toBe(200);
  const pipeline = await learning.request('POST', '/v1/pipelines', {
    body: {
      name: 'served',
      model,
      learner: { type: 'logistic_regression' },
      features: [
        { name: 'x0', kind: 'numeric' },
        { name: 'x1', kind: 'numeric' },
      ],
      target: 'y',
      strategy: 'mini_batch',
      batchSize: 10_000,
      minSamples: 10_000,
      gate: { metric: 'accuracy', direction: 'higher', holdout: 20 },
    },
  });
  expect(pipeline.status).toBe(201);
  pipelineId = pipeline.body.id;

  serving = await startTestApp(buildServing, servingEnv);
  await untilServing(serving, model, version);
}, 120_000);

afterAll(async () => {
  await serving?.close();
  // They share the registry's database and prefix: only the registry's close() drops them.
  for (const app of [learning, drift]) await app?.app.close();
  await registry?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Recent = { id: string; features: Record<string, number>; prediction: number; confidence: number; latencyMs: number; success: boolean };
const recentRecords = async (): Promise<Recent[]> =>
  (await drift.request('GET', `/v1/monitors/${monitorId}/records?limit=1000`)).body.items;
const predict = (app: TestApp, instances: unknown[]) =>
  app.request('POST', `/v1/models/${model}/predict`, { body: { instances, return: ['probabilities'] }, as: 'viewer' });
const feedback = (app: TestApp, items: unknown[], as: 'editor' | 'viewer' = 'editor') =>
  app.request('POST', `/v1/models/${model}/feedback`, { body: { items }, as });
const bufferSize = async () => (await learning.request('GET', `/v1/pipelines/${pipelineId}/status`)).body.bufferSize as number;

let ids: string[] = [];
let predictions: number[] = [];

describe('predictions to the drift monitor', () => {
  it('sends every prediction, records and arrays alike, with its id, features, confidence and latency', async () => {
    const rows = [
      [0.5, 1],
      [-1, 2],
      [2, -0.5],
      [0, 0],
      [1.5, 1.5],
    ];
    const byRecord = await predict(
      serving,
      rows.slice(0, 3).map(([x0, x1]) => ({ x0, x1 })),
    );
    const byArray = await predict(serving, rows.slice(3));
    expect(byRecord.status).toBe(200);
    expect(byArray.status).toBe(200);
    ids = [...byRecord.body.predictionIds, ...byArray.body.predictionIds];
    predictions = [...byRecord.body.predictions, ...byArray.body.predictions];
    const probabilities: number[][] = [...byRecord.body.probabilities, ...byArray.body.probabilities];

    const { value: sent } = await eventually(async () => {
      const items = await recentRecords();
      const byId = new Map(items.map((r) => [r.id, r]));
      return ids.every((id) => byId.has(id)) ? byId : undefined;
    });
    ids.forEach((id, i) => {
      const r = sent.get(id)!;
      expect(r.features).toEqual({ x0: rows[i]![0], x1: rows[i]![1] });
      expect(r.prediction).toBe(predictions[i]);
      expect(r.confidence).toBeCloseTo(Math.max(...probabilities[i]!), 6);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.success).toBe(true);
    });
  });
});

describe('feedback', () => {
  it('sends labels to the monitor and, with the kept features, samples to the pipeline; unknown ids are counted', async () => {
    // Four labelled as predicted, the fifth the other way; two ids serving never gave.
    const items = ids.map((predictionId, i) => ({ predictionId, label: i < 4 ? predictions[i]! : 1 - predictions[i]! }));
    const res = await feedback(serving, [...items, { predictionId: 'never-predicted', label: 1 }, { predictionId: 'gone', label: 0 }]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 7, forwarded: { monitors: 5, pipelines: 5 }, unknown: 2 });

    const report = await drift.request('POST', `/v1/monitors/${monitorId}/check`);
    expect(report.status).toBe(200);
    expect(report.body.performance.labelled).toBe(5);
    expect(report.body.performance.accuracy).toBeCloseTo(4 / 5, 12);
    expect(report.body.performance.labelledShare).toBeCloseTo(5 / report.body.windowRecords, 12);

    await eventually(async () => ((await bufferSize()) === 5 ? true : undefined));
  });

  it('refuses bad feedback naming the field, and read-only credentials', async () => {
    const empty = await feedback(serving, [{ predictionId: '', label: 1 }]);
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toContain('application/problem+json');
    expect(empty.body.errors[0].field).toBe('items.0.predictionId');
    const noLabel = await feedback(serving, [{ predictionId: ids[0] }]);
    expect(noLabel.status).toBe(400);
    expect(noLabel.body.errors[0].field).toBe('items.0.label');
    const none = await serving.request('POST', `/v1/models/${model}/feedback`, { body: { items: [] } });
    expect(none.body.errors[0].field).toBe('items');
    expect((await feedback(serving, [{ predictionId: ids[0], label: 1 }], 'viewer')).status).toBe(403);
  });
});

describe('features kept under the earlier key layout', () => {
  it('are read where the tagged key is missing, until one horizon after start, when none can be left', async () => {
    const redis = serving.app.get(RedisService);
    const settings = { ...serving.app.get<ServingSettings>(SERVING_SETTINGS), feedbackHorizonSeconds: 60 };
    const store = new FeatureStore(redis, settings, serving.app.get(FeedbackMetrics));
    // Written by a process before the upgrade (the client adds the installation's prefix).
    await redis.client.set('serving:features:legacy-1', JSON.stringify({ x0: 0.25, x1: -1 }), 'EX', 60);
    expect(await store.get(model, ['legacy-1', 'never-kept'])).toEqual([{ x0: 0.25, x1: -1 }, null]);

    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + 61_000;
    try {
      expect(await store.get(model, ['legacy-1'])).toEqual([null]);
    } finally {
      Date.now = realNow;
    }
    await redis.client.del('serving:features:legacy-1');
  });
});

describe('announced changes', () => {
  it("sends a model's predictions to a monitor created after its first ones, without waiting for the next listing", async () => {
    // Monitors listed once an hour: only drift's announcement of the new monitor can tell serving.
    const hourly = await startTestApp(buildServing, { ...servingEnv, SERVING_FEEDBACK_TARGETS_SECONDS: '3600' });
    try {
      const late = uniqueName('late');
      const version = await productionVersion(registry, late, { bytes: linearClassifierOnnx(), inputSchema: KIT_SCHEMA });
      await untilServing(hourly, late, version);
      const predictLate = () => hourly.request('POST', `/v1/models/${late}/predict`, { body: { instances: [[1, 2]] } });
      expect((await predictLate()).status).toBe(200); // lists the model's monitors: none, kept for an hour

      const monitor = await drift.request('POST', '/v1/monitors', {
        body: {
          name: 'late',
          model: late,
          features: [
            { name: 'x0', kind: 'numeric' },
            { name: 'x1', kind: 'numeric' },
          ],
          window: { size: 1_000 },
          schedule: { everySeconds: 3600 },
        },
      });
      expect(monitor.status).toBe(201);
      const { value: received, ms } = await eventually(async () => {
        expect((await predictLate()).status).toBe(200);
        const n = (await drift.request('GET', `/v1/monitors/${monitor.body.id}`)).body.recordsIngested as number;
        return n > 0 ? n : undefined;
      });
      expect(received).toBeGreaterThan(0);
      expect(ms).toBeLessThan(5_000);
    } finally {
      await hourly.app.close();
    }
  });
});

describe('shutdown', () => {
  it('hands over every prediction and sample queued right before close', async () => {
    const other = await startTestApp(buildServing, servingEnv);
    await untilServing(other, model, (await serving.request('GET', `/v1/models/${model}`)).body.production);
    const instances = Array.from({ length: 300 }, (_, i) => ({ x0: i / 100, x1: 1 - i / 100 }));
    const before = await bufferSize();
    const res = await predict(other, instances);
    expect(res.status).toBe(200);
    const last: string[] = res.body.predictionIds;
    const labels = await feedback(
      other,
      ids.map((predictionId) => ({ predictionId, label: 1 })),
    );
    expect(labels.body.forwarded.pipelines).toBe(ids.length);
    await other.close();

    const seen = new Set((await recentRecords()).map((r) => r.id));
    expect(last.filter((id) => !seen.has(id))).toEqual([]);
    expect(await bufferSize()).toBe(before + ids.length);
  });
});
