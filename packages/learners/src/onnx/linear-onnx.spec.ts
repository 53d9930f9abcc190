import { murmur3, type FeatureRecord } from '../hash.js';
import type { LinearModel, LinearModelOptions } from '../linear-model.js';
import { LinearRegression, LogisticRegression } from '../models.js';
import { Rng } from '../prng.js';
import { decodeOnnxModel, ONNX_OUTPUTS, toOnnx } from './index.js';
import { numbers, runOnnx } from './onnxruntime.spec-helper.js';
import type { Onnx } from './proto.js';

/**
 * The contract: onnxruntime running the exported graph gives the learner's own predictions within
 * 1e-6. The ONNX input is float32, so the features are float32 values (Math.fround) and the learner
 * sees the very same numbers; what remains is summation order (≈1e-16) and the outputs' float32
 * rounding (relative 6e-8, so |prediction| must stay below ~16 for 1e-6: it does here).
 */
const TOLERANCE = 1e-6;
const fround = Math.fround;

// Columns on different scales (so standardisation matters); column 3 is constant (sd 0).
const OFFSET = [0, 50, -3, 7, 0.5];
const SPREAD = [1, 10, 0.1, 0, 2];
const TRUE_W = [1, 0.08, -6, 0, 0.5];

function denseRows(seed: number, count: number): Float64Array[] {
  const rng = new Rng(seed);
  const row = (): Float64Array => Float64Array.from(OFFSET, (o, j) => fround(o + SPREAD[j]! * rng.normal()));
  return Array.from({ length: count }, row);
}

function denseTarget(kind: 'logistic' | 'linear', rng: Rng, x: Float64Array): number {
  const s = TRUE_W.reduce((acc, w, j) => acc + w * (x[j]! - OFFSET[j]!), 0.3);
  return kind === 'logistic' ? rng.bernoulli(1 / (1 + Math.exp(-s))) : s + 2 + 0.5 * rng.normal();
}

function trainDense(kind: 'logistic' | 'linear', options: LinearModelOptions): LinearModel {
  const o = { dim: 5, ...options };
  const model = kind === 'logistic' ? new LogisticRegression(o) : new LinearRegression(o);
  const rng = new Rng(99);
  for (const x of denseRows(7, 3000)) model.learnOne(x, denseTarget(kind, rng, x));
  return model;
}

/** Largest |onnx − learner| over the rows, with labels compared exactly. */
async function compare(
  model: LinearModel,
  bytes: Uint8Array,
  inputs: readonly (Float64Array | FeatureRecord)[],
  rows: number[],
  width: number,
): Promise<number> {
  const out = await runOnnx(bytes, rows, width);
  let maxDiff = 0;
  if (model instanceof LogisticRegression) {
    const p = numbers(out[ONNX_OUTPUTS.probabilities]);
    expect(numbers(out[ONNX_OUTPUTS.label])).toEqual(inputs.map((x) => model.predictOne(x)));
    inputs.forEach((x, k) => {
      const p1 = model.predictProbaOne(x);
      maxDiff = Math.max(maxDiff, Math.abs(p[2 * k + 1]! - p1), Math.abs(p[2 * k]! - (1 - p1)));
    });
    expect(out[ONNX_OUTPUTS.probabilities]!.dims).toEqual([inputs.length, 2]);
  } else {
    const y = numbers(out[ONNX_OUTPUTS.variable]);
    inputs.forEach((x, k) => (maxDiff = Math.max(maxDiff, Math.abs(y[k]! - model.predictOne(x)))));
    expect(out[ONNX_OUTPUTS.variable]!.dims).toEqual([inputs.length, 1]);
  }
  return maxDiff;
}

describe('toOnnx on dense models', () => {
  it.each([
    ['logistic', { optimizer: 'ftrl', alpha: 0.1, l1: 0.5 }],
    ['logistic', { optimizer: 'sgd', learningRate: 0.05, standardize: true }],
    ['linear', { optimizer: 'adagrad', learningRate: 0.1 }],
    ['linear', { optimizer: 'sgd', learningRate: 0.01, standardize: true }],
  ] as const)("%s regression %j: onnxruntime gives the learner's predictions within 1e-6", async (kind, options) => {
    const model = trainDense(kind, options);
    const inputs = denseRows(8, 300);
    const maxDiff = await compare(
      model,
      toOnnx(model),
      inputs,
      inputs.flatMap((x) => [...x]),
      5,
    );
    expect(maxDiff).toBeLessThan(TOLERANCE);
    // A model that learned nothing would pass trivially; these moved well away from 0.
    expect(Math.max(...model.coefficients().map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('exports the model.json state to the same bytes as the instance', () => {
    const model = trainDense('logistic', { standardize: true });
    const state = JSON.parse(JSON.stringify(model.toJSON()));
    expect(Buffer.from(toOnnx(state)).equals(Buffer.from(toOnnx(model)))).toBe(true);
  });

  it('writes IR 8, opset 17 only, the documented input and outputs, and the column names', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const m = decodeOnnxModel(toOnnx(trainDense('logistic', {}), { input: { kind: 'dense', names } }));
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const shape = (v: Onnx.IValueInfoProto) => [
      v.name,
      v.type!.tensorType!.elemType,
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue)),
    ];
    expect(m.graph!.input!.map(shape)).toEqual([['input', 1, ['N', 5]]]); // 1 = FLOAT
    expect(m.graph!.output!.map(shape)).toEqual([
      ['label', 7, ['N']],
      ['probabilities', 1, ['N', 2]],
    ]); // 7 = INT64
    const meta = new Map(m.metadataProps.map((p) => [p.key, p.value]));
    expect(meta.get('modelyard.features')).toBe(JSON.stringify(names));
    expect(meta.get('modelyard.kind')).toBe('logistic_regression');

    const r = decodeOnnxModel(toOnnx(trainDense('linear', { optimizer: 'adagrad' })));
    expect(r.graph!.output!.map(shape)).toEqual([['variable', 1, ['N', 1]]]);
  });
});

// dim 8: age, member and clicks share slot 1 (asserted below), so collisions are exercised.
const FEATURES = [
  { name: 'age', kind: 'numeric' },
  { name: 'income', kind: 'numeric' },
  { name: 'member', kind: 'boolean' },
  { name: 'score', kind: 'numeric' },
  { name: 'clicks', kind: 'numeric' },
] as const;

function records(seed: number, count: number): FeatureRecord[] {
  const rng = new Rng(seed);
  // 10% of values missing (null); a few non-finite numbers, which the learner also skips.
  const maybe = <T>(v: T): T | null => (rng.uniform() < 0.1 ? null : v);
  return Array.from({ length: count }, (_, k) => ({
    age: maybe(fround(40 + 10 * rng.normal())),
    income: k % 50 === 3 ? Infinity : maybe(fround(3 + rng.normal())),
    member: maybe(rng.uniform() < 0.4),
    score: k % 70 === 5 ? NaN : maybe(fround(rng.normal())),
    // Constant: sd 0, so scaled it adds nothing, while its slot's weight (shared with age) is not 0.
    clicks: maybe(2),
  }));
}

/** The ONNX row of a record: booleans 1/0, missing as NaN. */
const recordRow = (r: FeatureRecord): number[] =>
  FEATURES.map(({ name }) => {
    const v = r[name];
    return v === null ? NaN : typeof v === 'boolean' ? Number(v) : (v as number);
  });

describe('toOnnx on record (hashed) models', () => {
  it('the chosen names do collide in a dim-8 hash space', () => {
    expect(['age', 'member', 'clicks'].map((n) => murmur3(n) % 8)).toEqual([1, 1, 1]);
  });

  it.each([
    ['logistic', { standardize: false }],
    ['logistic', { standardize: true }],
    ['linear', { standardize: false }],
    ['linear', { standardize: true }],
  ] as const)("%s regression %j: onnxruntime gives the learner's predictions within 1e-6", async (kind, options) => {
    const opts = { dim: 8, optimizer: 'adagrad', learningRate: 0.05, ...options } as const;
    const model = kind === 'logistic' ? new LogisticRegression(opts) : new LinearRegression(opts);
    const rng = new Rng(5);
    for (const r of records(1, 3000)) {
      const s = 0.05 * ((r.age as number) ?? 40) - 2 + (r.member ? 1 : 0) - 0.5 * ((r.score as number) || 0);
      model.learnOne(r, kind === 'logistic' ? rng.bernoulli(1 / (1 + Math.exp(-s))) : s + 0.1 * rng.normal());
    }
    const inputs = records(2, 300);
    const bytes = toOnnx(model, { input: { kind: 'records', features: FEATURES } });
    expect(await compare(model, bytes, inputs, inputs.flatMap(recordRow), FEATURES.length)).toBeLessThan(TOLERANCE);
  });
});
