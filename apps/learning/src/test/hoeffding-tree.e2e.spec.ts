import { Accuracy, HoeffdingTreeClassifier, LogLoss, progressiveValidation, RocAuc, seaStream } from '@modelyard/learners';
import { tokenFor } from '@modelyard/platform/testing';
import { createModel, feed, startHarness, waitForUpdates, type Harness, type Row } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const SHOPS = ['north', 'south', 'east'];
// δ and τ looser than the defaults so that the tie between x1 and x2 (equally informative in SEA) breaks
// within the first update's 2 800 samples: ε < τ once n > ln(1/δ) / 2τ² ≈ 460.
const learner = { type: 'hoeffding_tree', gracePeriod: 100, delta: 1e-4, tau: 0.1, leafPrediction: 'nba', maxLeaves: 64 } as const;

type TreeRow = { x1: number; x2: number; x3: number; shop: string; label: number };

/** SEA concept θ = 8 (10% label noise) with an irrelevant categorical feature. */
function seaRows(seed: number, count: number): TreeRow[] {
  return [...seaStream({ seed, count, driftEvery: 1e9 })].map((s, i) => ({
    x1: s.x[0]!,
    x2: s.x[1]!,
    x3: s.x[2]!,
    shop: SHOPS[i % 3]!,
    label: s.y,
  }));
}

// The harness types rows as numbers only; the samples endpoint takes strings for categorical features.
const asRows = (rows: TreeRow[]) => rows as unknown as Row[];
const record = (r: TreeRow) => ({ x1: r.x1, x2: r.x2, x3: r.x3, shop: r.shop });

async function artifact(model: string, version: string, path: string): Promise<Response> {
  return fetch(`${h.registry.url}/v1/models/${model}/versions/${version}/artifacts/${path}`, {
    headers: { authorization: `Bearer ${tokenFor('viewer')}` },
  });
}

describe('a pipeline with a Hoeffding tree learner', () => {
  const model = 'tree-model';
  const body = {
    name: 'tree',
    model,
    learner,
    features: [...['x1', 'x2', 'x3'].map((name) => ({ name, kind: 'numeric' })), { name: 'shop', kind: 'categorical' }],
    target: 'label',
    strategy: 'mini_batch',
    batchSize: 100_000,
    maxBuffer: 200_000,
    gate: { metric: 'accuracy', direction: 'higher', tolerance: 0.1, holdout: 200 },
  };
  const first = seaRows(11, 3000);

  beforeAll(async () => {
    await createModel(h.registry, model);
  });

  it('refuses bad tree options with the field named', async () => {
    const res = await h.learning.request('POST', '/v1/pipelines', {
      body: { ...body, name: 'tree-bad', learner: { ...learner, gracePeriod: 0 } },
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('learner.gracePeriod');
    const unknown = await h.learning.request('POST', '/v1/pipelines', {
      body: { ...body, name: 'tree-bad', learner: { ...learner, depth: 3 } },
    });
    expect(unknown.status).toBe(400);
  });

  it('trains, passes the gate and registers model.json equal to an offline tree on the same samples', async () => {
    expect((await h.learning.request('POST', '/v1/pipelines', { body })).status).toBe(201);
    await feed(h.learning, 'tree', asRows(first));
    expect((await h.learning.request('POST', '/v1/pipelines/tree/trigger')).status).toBe(202);
    const [update] = await waitForUpdates(h.learning, 'tree', 1);
    expect(update).toMatchObject({ outcome: 'registered', samples: 2800, holdout: 200 });

    const { type: _type, ...options } = learner;
    const offline = new HoeffdingTreeClassifier(options);
    const result = progressiveValidation(
      offline,
      first.slice(0, 2800).map((r) => ({ x: record(r), y: r.label })),
      [new Accuracy(), new LogLoss(), new RocAuc()],
    );
    expect(offline.leafCount).toBeGreaterThan(1); // the tree did split
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${update.version}`)).body;
    expect(version.stage).toBe('staging');
    expect(version.metrics.accuracy).toBe(result.metrics.accuracy);
    expect(version.metrics.log_loss).toBe(result.metrics.log_loss);
    expect(result.metrics.accuracy).toBeGreaterThan(0.8);
    expect(version.params).toMatchObject({ learner: 'hoeffding_tree', gracePeriod: 100, leafPrediction: 'nba', maxLeaves: 64 });

    const json = await artifact(model, update.version, 'model.json');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(offline.toJSON())));
    // No ONNX exporter for trees: the version is served from model.json only.
    expect((await artifact(model, update.version, 'model.onnx')).status).toBe(404);
  });

  it('continues from its checkpoint and is gated against the production tree loaded from model.json', async () => {
    const [firstUpdate] = await waitForUpdates(h.learning, 'tree', 1);
    expect((await h.registry.request('POST', `/v1/models/${model}/versions/${firstUpdate.version}/promote`, { body: {} })).status).toBe(
      200,
    );
    await feed(h.learning, 'tree', asRows(seaRows(12, 2000)));
    expect((await h.learning.request('POST', '/v1/pipelines/tree/trigger')).status).toBe(202);
    const [, second] = await waitForUpdates(h.learning, 'tree', 2);
    expect({ ...second, why: second.gate.reason }).toMatchObject({ outcome: 'registered', samples: 2000 });
    expect(second.gate).toMatchObject({ passed: true, productionVersion: firstUpdate.version });
    expect(second.gate.production).toBeGreaterThan(0.7);

    const json = await (await artifact(model, second.version, 'model.json')).json();
    expect(json).toMatchObject({ format: 'modelyard.hoeffding-tree', kind: 'hoeffding_tree', samplesSeen: 4800 });
    const status = (await h.learning.request('GET', '/v1/pipelines/tree/status')).body;
    expect(status).toMatchObject({ samplesSeen: 4800, currentVersion: second.version });
  });
});
