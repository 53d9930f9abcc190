import { LogisticRegression, LinearRegression, Rng, toOnnx } from '@modelyard/learners';
import { KIT_FEATURES, linearClassifierOnnx, mlpClassifierOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import * as ort from 'onnxruntime-node';
import { KIT_SCHEMA, productionVersion, setAlias, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** onnxruntime-node in this process on the same rows (float32 [N, 2]): the reference. */
async function reference(bytes: Uint8Array, rows: number[][]) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
    const out = await session.run({ input });
    const k = out.probabilities!.dims[1]!;
    const p = Array.from(out.probabilities!.data as Float32Array);
    return {
      labels: Array.from(out.label!.data as BigInt64Array, Number),
      probabilities: rows.map((_, i) => p.slice(i * k, (i + 1) * k)),
    };
  } finally {
    await session.release();
  }
}

const grid = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [rng.normal() * 2, rng.normal() * 2]);
};
const records = (rows: number[][]) => rows.map(([x0, x1]) => ({ [KIT_FEATURES[0]]: x0, [KIT_FEATURES[1]]: x1 }));

describe('the test kit models, served', () => {
  it('answers with the tree ensemble exactly as onnxruntime does in process, records and arrays alike', async () => {
    const model = uniqueName('forest');
    const bytes = treeEnsembleClassifierOnnx();
    const version = await productionVersion(h.registry, model, { bytes, inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, version);
    const rows = [[0, 0], [1, 0.5], [1, 2], [0.5, 3], [0.6, -2], ...grid(200, 1)];
    const expected = await reference(bytes, rows);

    const byRecord = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances: records(rows), return: ['probabilities'] },
    });
    expect(byRecord.status).toBe(200);
    expect(byRecord.body).toMatchObject({ model, version });
    expect(byRecord.body.predictions).toEqual(expected.labels);
    expect(byRecord.body.probabilities).toEqual(expected.probabilities);
    expect(byRecord.body.predictions.slice(0, 5)).toEqual([0, 1, 1, 0, 1]);
    expect(byRecord.body.predictionIds).toHaveLength(rows.length);
    expect(new Set(byRecord.body.predictionIds).size).toBe(rows.length);

    const byArray = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: rows } });
    expect(byArray.status).toBe(200);
    expect(byArray.body.predictions).toEqual(expected.labels);
    expect(byArray.body.probabilities).toBeUndefined();
  });

  it('serves aliases and versions beside production: an MLP champion, a 3-class linear challenger', async () => {
    const model = uniqueName('kit');
    const forest = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    const mlp = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const linear = await stagedVersion(h.registry, model, { bytes: linearClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await setAlias(h.registry, model, 'champion', mlp);
    await setAlias(h.registry, model, 'challenger', linear);
    await untilServing(h.serving, model, forest, { champion: mlp, challenger: linear });
    const rows = grid(50, 2);

    for (const [target, bytes, version] of [
      [{ alias: 'champion' }, mlpClassifierOnnx(), mlp],
      [{ alias: 'challenger' }, linearClassifierOnnx(), linear],
      [{ version: linear }, linearClassifierOnnx(), linear],
    ] as const) {
      const res = await h.serving.request('POST', `/v1/models/${model}/predict`, {
        body: { instances: rows, target, return: ['probabilities'] },
      });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(version);
      const expected = await reference(bytes, rows);
      expect(res.body.predictions).toEqual(expected.labels);
      expect(res.body.probabilities).toEqual(expected.probabilities);
    }
    expect(new Set((await reference(linearClassifierOnnx(), rows)).labels)).toEqual(new Set([0, 1, 2]));

    const status = (await h.serving.request('GET', `/v1/models/${model}`)).body;
    expect(status.production).toBe(forest);
    expect(status.aliases).toEqual(
      expect.arrayContaining([
        { alias: 'champion', version: mlp },
        { alias: 'challenger', version: linear },
      ]),
    );
    expect(status.versions.map((v: { version: string; format: string }) => [v.version, v.format]).sort()).toEqual(
      [
        [forest, 'onnx'],
        [mlp, 'onnx'],
        [linear, 'onnx'],
      ].sort(),
    );
  });
});

describe('learners, exported and native', () => {
  const features = [
    { name: 'tenure', kind: 'numeric' },
    { name: 'spend', kind: 'numeric' },
    { name: 'promo', kind: 'boolean' },
  ] as const;
  const sample = (rng: Rng) => ({
    tenure: rng.normal() * 10 + 20,
    spend: rng.normal() * 3,
    promo: rng.uniform() < 0.5,
  });

  function trained() {
    const rng = new Rng(7);
    const model = new LogisticRegression({ dim: 1024, optimizer: 'ftrl', alpha: 0.2, standardize: true });
    for (let i = 0; i < 3000; i++) {
      const x = sample(rng);
      const y = 0.1 * x.tenure - 0.5 * x.spend + (x.promo ? 1 : -1) - 2 + rng.normal() > 0 ? 1 : 0;
      model.learnOne(x, y);
    }
    return model;
  }

  it("serves a pipeline's model.onnx with the learner's probabilities (1e-6), its model.json natively", async () => {
    const learner = trained();
    const model = uniqueName('churn');
    const onnx = toOnnx(learner, { input: { kind: 'records', features } });
    const json = new TextEncoder().encode(JSON.stringify(learner.toJSON()));
    const both = await productionVersion(h.registry, model, {
      bytes: onnx,
      also: { 'model.json': json },
      inputSchema: { features },
    });
    const native = await stagedVersion(h.registry, model, {
      artifact: 'model.json',
      bytes: json,
      inputSchema: { features },
    });
    await setAlias(h.registry, model, 'native', native);
    await untilServing(h.serving, model, both, { native });

    const rng = new Rng(8);
    const instances = Array.from({ length: 500 }, () => sample(rng));
    // Exported ONNX reads float32 inputs: the learner is given the same rounded values.
    const rounded = instances.map((x) => ({ ...x, tenure: Math.fround(x.tenure), spend: Math.fround(x.spend) }));
    const viaOnnx = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, return: ['probabilities'] },
    });
    expect(viaOnnx.status).toBe(200);
    viaOnnx.body.probabilities.forEach((p: number[], i: number) => {
      expect(Math.abs(p[1]! - learner.predictProbaOne(rounded[i]!))).toBeLessThan(1e-6);
      expect(Math.abs(p[0]! + p[1]! - 1)).toBeLessThan(1e-6);
    });
    expect(viaOnnx.body.predictions).toEqual(rounded.map((x) => learner.predictOne(x)));

    const viaJson = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, target: { alias: 'native' }, return: ['probabilities'] },
    });
    expect(viaJson.status).toBe(200);
    expect(viaJson.body.version).toBe(native);
    // Natively the learner's own double arithmetic: identical, not just close.
    expect(viaJson.body.probabilities.map((p: number[]) => p[1])).toEqual(instances.map((x) => learner.predictProbaOne(x)));
    expect(viaJson.body.predictions).toEqual(instances.map((x) => learner.predictOne(x)));

    const versions = (await h.serving.request('GET', `/v1/models/${model}`)).body.versions;
    expect(versions.find((v: { version: string }) => v.version === both)).toMatchObject({
      format: 'onnx',
      artifact: 'model.onnx',
    });
    expect(versions.find((v: { version: string }) => v.version === native)).toMatchObject({
      format: 'learner',
      artifact: 'model.json',
    });
  });

  it('serves a model.json with a categorical feature (no ONNX possible) and a regression, as learned', async () => {
    const rng = new Rng(9);
    const cat = [
      { name: 'plan', kind: 'categorical' },
      { name: 'usage', kind: 'numeric' },
    ];
    const classifier = new LogisticRegression({ dim: 256 });
    const regressor = new LinearRegression({ dim: 256, learningRate: 0.01 });
    const plans = ['free', 'pro', 'team'];
    const rows = Array.from({ length: 2000 }, () => ({
      plan: plans[Math.floor(rng.uniform() * 3)]!,
      usage: rng.normal(),
    }));
    rows.forEach((x) => {
      classifier.learnOne(x, x.plan === 'pro' || x.usage > 1 ? 1 : 0);
      regressor.learnOne(x, 2 * x.usage + (x.plan === 'team' ? 3 : 0));
    });
    const model = uniqueName('plans');
    const json = (m: LogisticRegression | LinearRegression) => new TextEncoder().encode(JSON.stringify(m.toJSON()));
    const v1 = await productionVersion(h.registry, model, {
      artifact: 'model.json',
      bytes: json(classifier),
      inputSchema: { features: cat },
    });
    const v2 = await stagedVersion(h.registry, model, {
      artifact: 'model.json',
      bytes: json(regressor),
      inputSchema: { features: cat },
    });
    await setAlias(h.registry, model, 'regression', v2);
    await untilServing(h.serving, model, v1, { regression: v2 });
    const instances = rows.slice(0, 100);

    const classes = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, return: ['probabilities'] },
    });
    expect(classes.status).toBe(200);
    expect(classes.body.predictions).toEqual(instances.map((x) => classifier.predictOne(x)));
    expect(classes.body.probabilities.map((p: number[]) => p[1])).toEqual(instances.map((x) => classifier.predictProbaOne(x)));

    const values = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, target: { alias: 'regression' } },
    });
    expect(values.status).toBe(200);
    expect(values.body.predictions).toEqual(instances.map((x) => regressor.predictOne(x)));
    const noProbabilities = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, target: { alias: 'regression' }, return: ['probabilities'] },
    });
    expect(noProbabilities.status).toBe(400);
    expect(noProbabilities.body.errors[0]).toMatchObject({ field: 'return' });
  });
});
