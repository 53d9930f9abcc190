import { LabelledHoeffdingTree, MulticlassMetrics, multiclassProgressive, Rng } from '@modelyard/learners';
import { tokenFor } from '@modelyard/platform/testing';
import { createModel, feed, startHarness, waitForUpdates, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const CLASSES = ['low', 'mid', 'high'];
const FEATURES = ['x1', 'x2', 'x3'];
// As the binary tree pipeline's test: δ and τ looser than MOA's defaults so the first update's
// 2 800 samples are enough for the tree to split.
const learner = { type: 'hoeffding_tree', gracePeriod: 100, delta: 1e-4, tau: 0.1, maxLeaves: 64, classes: CLASSES } as const;

type Row = { x1: number; x2: number; x3: number; band: string };

/**
 * A seeded 3-class SEA-like concept: x uniform on [0, 10]³, the class the band of x1 + x2 (≤ 7 low,
 * ≤ 13 mid, else high; x3 irrelevant), changed to one of the other two classes for 10% of the
 * samples (Bayes-optimal accuracy 0.90; always answering the most frequent class, mid, 0.4835).
 */
function bands(seed: number, count: number): Row[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const [x1, x2, x3] = [10 * rng.uniform(), 10 * rng.uniform(), 10 * rng.uniform()];
    let c = x1 + x2 <= 7 ? 0 : x1 + x2 <= 13 ? 1 : 2;
    if (rng.uniform() < 0.1) c = (c + 1 + Math.floor(2 * rng.uniform())) % 3;
    return { x1, x2, x3, band: CLASSES[c]! };
  });
}

const record = (r: Row) => ({ x1: r.x1, x2: r.x2, x3: r.x3 });

function treePipeline(name: string, model: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    model,
    learner,
    features: FEATURES.map((f) => ({ name: f, kind: 'numeric' })),
    target: 'band',
    strategy: 'mini_batch',
    batchSize: 100_000,
    maxBuffer: 200_000,
    gate: { metric: 'macro_f1', direction: 'higher', tolerance: 0.05, holdout: 200 },
    ...extra,
  };
}

async function artifact(model: string, version: string, path: string): Promise<Response> {
  return fetch(`${h.registry.url}/v1/models/${model}/versions/${version}/artifacts/${path}`, {
    headers: { authorization: `Bearer ${tokenFor('viewer')}` },
  });
}

describe('a pipeline with a Hoeffding tree over class labels', () => {
  const model = 'tree-bands';
  beforeAll(async () => {
    await createModel(h.registry, model);
  });

  it('refuses a binary gate metric, a repeated class, and labels outside its classes, naming the field', async () => {
    const badGate = await h.learning.request('POST', '/v1/pipelines', {
      body: treePipeline('bands-bad', model, { gate: { metric: 'roc_auc', direction: 'higher' } }),
    });
    expect(badGate.status).toBe(400);
    expect(JSON.stringify(badGate.body)).toContain('a multiclass learner uses accuracy, log_loss or macro_f1');
    const twice = await h.learning.request('POST', '/v1/pipelines', {
      body: treePipeline('bands-bad', model, { learner: { ...learner, classes: ['a', 'b', 'a'] } }),
    });
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body)).toContain('learner.classes');
    const one = await h.learning.request('POST', '/v1/pipelines', {
      body: treePipeline('bands-bad', model, { learner: { ...learner, classes: ['a'] } }),
    });
    expect(one.status).toBe(400);
    expect(JSON.stringify(one.body)).toContain('learner.classes');

    expect((await h.learning.request('POST', '/v1/pipelines', { body: treePipeline('bands-fixed', model) })).status).toBe(201);
    const samples = [
      { x1: 1, x2: 1, x3: 1, band: 'low' },
      { x1: 1, x2: 1, x3: 1, band: 0 },
      { x1: 1, x2: 1, x3: 1, band: 'top' },
    ];
    const res = await h.learning.request('POST', '/v1/pipelines/bands-fixed/samples', { body: { samples } });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]);
    expect(fields).toEqual([
      ['samples.1.band', "the label is not one of the learner's classes"],
      ['samples.2.band', "the label is not one of the learner's classes"],
    ]);
  });

  it('learns a seeded 3-class stream and registers per-class and macro/micro metrics with model.json (no ONNX)', async () => {
    expect((await h.learning.request('POST', '/v1/pipelines', { body: treePipeline('bands', model) })).status).toBe(201);
    const data = bands(21, 3000);
    await feed(h.learning, 'bands', data);
    expect((await h.learning.request('POST', '/v1/pipelines/bands/trigger')).status).toBe(202);
    const [update] = await waitForUpdates(h.learning, 'bands', 1);
    expect(update).toMatchObject({ outcome: 'registered', samples: 2800, holdout: 200 });
    expect(update.gate).toMatchObject({ metric: 'macro_f1', passed: true });

    // Offline: the same tree, test-then-train over the same 2 800 samples.
    const { type: _type, classes, ...options } = learner;
    const offline = LabelledHoeffdingTree.create(classes, options);
    const train = data.slice(0, 2800).map((r) => ({ x: record(r), y: r.band }));
    const report = multiclassProgressive(offline, train, [new MulticlassMetrics()])[0]!.report();
    expect(offline.tree.leafCount).toBeGreaterThan(2);
    // Chance is 1/3 (0.48 for always answering mid); Bayes-optimal 0.90. Measured: 2222 of 2800 right.
    expect(report.accuracy).toBe(2222 / 2800);
    expect(report.macro.f1).toBeCloseTo(0.778236, 5);

    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${update.version}`)).body;
    const metrics = version.metrics as Record<string, number>;
    expect(metrics.accuracy).toBe(report.accuracy);
    expect(metrics.log_loss).toBe(report.logLoss);
    expect(metrics.macro_f1).toBe(report.macro.f1);
    expect(metrics.micro_f1).toBe(report.micro.f1);
    expect(metrics.weighted_f1).toBe(report.weighted.f1);
    expect(report.classes.map((c) => c.label)).toEqual(['high', 'low', 'mid']);
    for (const c of report.classes) {
      expect([metrics[`precision[${c.label}]`], metrics[`recall[${c.label}]`], metrics[`f1[${c.label}]`]]).toEqual([
        c.precision,
        c.recall,
        c.f1,
      ]);
      expect(c.f1).toBeGreaterThan(0.65);
    }
    expect(metrics.holdout_macro_f1).toBeGreaterThan(0.65);
    expect(version.outputSchema).toEqual({ target: 'band', type: 'hoeffding_tree', classes: CLASSES });
    expect(version.params).toMatchObject({ learner: 'hoeffding_tree', gracePeriod: 100, classes: CLASSES });

    const json = await artifact(model, update.version, 'model.json');
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(offline.toJSON())));
    expect((await artifact(model, update.version, 'model.onnx')).status).toBe(404);
    const status = (await h.learning.request('GET', '/v1/pipelines/bands/status')).body;
    expect(Object.keys(status.metrics).sort()).toEqual(['accuracy@1000', 'log_loss@1000', 'macro_f1@1000']);
  });

  it('continues from its checkpoint and is gated against the production tree loaded from model.json', async () => {
    const [first] = await waitForUpdates(h.learning, 'bands', 1);
    expect((await h.registry.request('POST', `/v1/models/${model}/versions/${first.version}/promote`, { body: {} })).status).toBe(200);
    await feed(h.learning, 'bands', bands(22, 2000));
    expect((await h.learning.request('POST', '/v1/pipelines/bands/trigger')).status).toBe(202);
    const [, second] = await waitForUpdates(h.learning, 'bands', 2);
    expect({ ...second, why: second.gate.reason }).toMatchObject({ outcome: 'registered', samples: 2000 });
    expect(second.gate).toMatchObject({ metric: 'macro_f1', passed: true, productionVersion: first.version });
    expect(second.gate.production).toBeGreaterThan(0.7);
    const json = await (await artifact(model, second.version, 'model.json')).json();
    expect(json).toMatchObject({ format: 'modelyard.hoeffding-tree', labels: CLASSES, samplesSeen: 4800 });
  });
});
