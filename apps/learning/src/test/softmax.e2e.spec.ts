import { MulticlassMetrics, multiclassProgressive, Rng, SoftmaxRegression, toOnnx } from '@modelyard/learners';
import { tokenFor } from '@modelyard/platform/testing';
import { createModel, feed, startHarness, waitForUpdates, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const SPECIES = ['setosa', 'versicolor', 'virginica'];
const FEATURES = ['petal', 'sepal'];

/** A seeded 3-class stream: overlapping Gaussian clusters, so the per-class scores are not all 1. */
function stream(seed: number, count: number): Record<string, number | string>[] {
  const rng = new Rng(seed);
  const centres = [
    [0, 0],
    [2, 0.5],
    [1, 2],
  ];
  return Array.from({ length: count }, () => {
    const c = Math.floor(rng.uniform() * 3);
    return { petal: centres[c]![0]! + 0.8 * rng.normal(), sepal: centres[c]![1]! + 0.8 * rng.normal(), species: SPECIES[c]! };
  });
}

function softmaxPipeline(name: string, model: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    model,
    learner: { type: 'softmax', optimizer: 'ftrl', hyperparameters: { alpha: 0.2, beta: 1, standardize: true } },
    features: FEATURES.map((f) => ({ name: f, kind: 'numeric' })),
    target: 'species',
    strategy: 'mini_batch',
    batchSize: 100_000,
    maxBuffer: 200_000,
    gate: { metric: 'macro_f1', direction: 'higher', tolerance: 0, holdout: 200 },
    ...extra,
  };
}

const auth = () => ({ authorization: `Bearer ${tokenFor('viewer')}` });
const record = (r: Record<string, number | string>) => Object.fromEntries(FEATURES.map((f) => [f, r[f] as number]));

describe('a softmax pipeline', () => {
  const model = 'softmax-model';
  beforeAll(async () => {
    await createModel(h.registry, model);
  });

  it('refuses a gate metric a multiclass learner has, and labels that are not classes, naming the field', async () => {
    const badGate = await h.learning.request('POST', '/v1/pipelines', {
      body: softmaxPipeline('softmax-bad', model, { gate: { metric: 'roc_auc', direction: 'higher' } }),
    });
    expect(badGate.status).toBe(400);
    expect(JSON.stringify(badGate.body)).toContain('a multiclass learner uses accuracy, log_loss or macro_f1');
    const fixed = softmaxPipeline('softmax-fixed', model, {
      learner: { type: 'softmax', classes: ['a', 'b', 3] },
    });
    expect((await h.learning.request('POST', '/v1/pipelines', { body: fixed })).status).toBe(201);
    const samples = [
      { petal: 1, sepal: 1, species: 'a' },
      { petal: 1, sepal: 1, species: 3 },
      { petal: 1, sepal: 1, species: 'c' },
      { petal: 1, sepal: 1, species: 2.5 },
    ];
    const res = await h.learning.request('POST', '/v1/pipelines/softmax-fixed/samples', { body: { samples } });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]);
    expect(fields).toEqual([
      ['samples.2.species', "the label is not one of the learner's classes"],
      ['samples.3.species', 'the label must be a class: a string of 1 to 100 characters or an integer'],
    ]);
  });

  it('learns a seeded 3-class stream and registers a version with per-class and macro metrics, model.json and model.onnx', async () => {
    const created = await h.learning.request('POST', '/v1/pipelines', { body: softmaxPipeline('species', model) });
    expect(created.status).toBe(201);
    const data = stream(11, 3000);
    await feed(h.learning, 'species', data);
    expect((await h.learning.request('POST', '/v1/pipelines/species/trigger')).status).toBe(202);
    const [update] = await waitForUpdates(h.learning, 'species', 1);
    expect(update).toMatchObject({ outcome: 'registered', samples: 2800, holdout: 200 });
    expect(update.gate).toMatchObject({ metric: 'macro_f1', passed: true });

    // Offline: the same learner (createLearner's default dim 4096), test-then-train over the same samples.
    const offline = new SoftmaxRegression({ optimizer: 'ftrl', alpha: 0.2, beta: 1, standardize: true, dim: 4096 });
    const train = data.slice(0, 2800).map((r) => ({ x: record(r), y: r.species! }));
    const report = multiclassProgressive(offline, train, [new MulticlassMetrics()])[0]!.report();
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${update.version}`)).body;
    const metrics = version.metrics as Record<string, number>;
    expect(metrics.accuracy).toBe(report.accuracy);
    expect(metrics.log_loss).toBe(report.logLoss);
    expect(metrics.macro_f1).toBe(report.macro.f1);
    expect(metrics.micro_f1).toBe(report.micro.f1);
    expect(metrics.macro_precision).toBe(report.macro.precision);
    for (const c of report.classes) {
      expect([metrics[`precision[${c.label}]`], metrics[`recall[${c.label}]`], metrics[`f1[${c.label}]`]]).toEqual([
        c.precision,
        c.recall,
        c.f1,
      ]);
      expect(metrics[`support[${c.label}]`]).toBe(c.support);
    }
    expect(report.classes.map((c) => c.label)).toEqual(SPECIES);
    expect(report.accuracy).toBeGreaterThan(0.7);
    expect(report.macro.f1).toBeGreaterThan(0.7);
    expect(metrics.holdout_macro_f1).toBeGreaterThan(0.7);
    expect(version.outputSchema).toEqual({ target: 'species', type: 'softmax', classes: offline.classes });

    // model.json is the offline model; model.onnx what exporting it gives.
    const base = `${h.registry.url}/v1/models/${model}/versions/${update.version}/artifacts`;
    const json = await fetch(`${base}/model.json`, { headers: auth() });
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(offline.toJSON())));
    const onnx = await fetch(`${base}/model.onnx`, { headers: auth() });
    expect(onnx.status).toBe(200);
    const expected = toOnnx(offline, {
      input: { kind: 'records', features: FEATURES.map((name) => ({ name, kind: 'numeric' as const })) },
    });
    expect(Buffer.from(await onnx.arrayBuffer()).equals(Buffer.from(expected))).toBe(true);

    // The pipeline's rolling metrics are the multiclass ones.
    const status = (await h.learning.request('GET', '/v1/pipelines/species/status')).body;
    expect(Object.keys(status.metrics).sort()).toEqual(['accuracy@1000', 'log_loss@1000', 'macro_f1@1000']);
    expect(status.metrics['macro_f1@1000']).toBeGreaterThan(0.7);
  });
});
