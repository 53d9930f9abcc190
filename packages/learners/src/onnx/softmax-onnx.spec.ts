import type { FeatureRecord } from '../hash.js';
import { Rng } from '../prng.js';
import { SoftmaxRegression, type ClassLabel, type SoftmaxOptions } from '../softmax.js';
import { decodeOnnxModel, ONNX_OUTPUTS, toOnnx } from './index.js';
import { loadError, numbers, runOnnx } from './onnxruntime.spec-helper.js';

/** As linear-onnx.spec.ts: float32 features, so that onnxruntime and the learner see the same numbers. */
const TOLERANCE = 1e-6;
const fround = Math.fround;

/** Three classes on differently scaled columns (so standardisation matters); column 3 is constant. */
function denseStream(seed: number, count: number, labels: readonly ClassLabel[]): { x: Float64Array; y: ClassLabel }[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const c = Math.floor(rng.uniform() * 3);
    const x = Float64Array.of(
      fround(c + rng.normal()),
      fround(50 + 10 * (c === 1 ? 1 : -1) + 5 * rng.normal()),
      fround(0.1 * rng.normal()),
      7,
    );
    return { x, y: labels[c]! };
  });
}

async function compare(
  model: SoftmaxRegression,
  bytes: Uint8Array,
  inputs: readonly (Float64Array | FeatureRecord)[],
  rows: number[],
  width: number,
) {
  const out = await runOnnx(bytes, rows, width);
  const K = model.classes.length;
  expect(out[ONNX_OUTPUTS.probabilities]!.dims).toEqual([inputs.length, K]);
  const labels = Array.from(out[ONNX_OUTPUTS.label]!.data as ArrayLike<string | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  // Integer classes are int64 labels; with any string class every label is text (softmax-onnx.ts).
  const asText = model.classes.some((c) => typeof c === 'string');
  expect(labels).toEqual(inputs.map((x) => (asText ? String(model.predictOne(x)) : model.predictOne(x))));
  const p = numbers(out[ONNX_OUTPUTS.probabilities]);
  let maxDiff = 0;
  inputs.forEach((x, k) => model.predictProbaOne(x).forEach((q, c) => (maxDiff = Math.max(maxDiff, Math.abs(p[k * K + c]! - q)))));
  return { maxDiff, labels };
}

describe('toOnnx on softmax models', () => {
  it.each([
    ['sgd, standardized, string labels', { optimizer: 'sgd', learningRate: 0.05, standardize: true }, ['red', 'green', 'blue']],
    ['ftrl, integer labels', { optimizer: 'ftrl', alpha: 0.1, l1: 0.5 }, [3, 1, 2]],
    ['adagrad, mixed labels', { optimizer: 'adagrad', learningRate: 0.1, standardize: true }, [0, 'one', 2]],
  ] as const)("%s: onnxruntime gives the learner's labels and probabilities within 1e-6", async (_, options, labels) => {
    const model = new SoftmaxRegression({ dim: 4, ...(options as SoftmaxOptions) });
    for (const s of denseStream(7, 3000, labels)) model.learnOne(s.x, s.y);
    const inputs = denseStream(8, 300, labels).map((s) => s.x);
    const { maxDiff, labels: predicted } = await compare(
      model,
      toOnnx(model),
      inputs,
      inputs.flatMap((x) => [...x]),
      4,
    );
    expect(maxDiff).toBeLessThan(TOLERANCE);
    // A model that learned nothing would pass trivially: every class is predicted somewhere.
    expect(new Set(predicted).size).toBe(3);
  });

  it('hashed records with standardisation and missing values', async () => {
    const features = [
      { name: 'age', kind: 'numeric' },
      { name: 'member', kind: 'boolean' },
      { name: 'score', kind: 'numeric' },
    ] as const;
    const rng = new Rng(3);
    const record = (): { x: FeatureRecord; y: string } => {
      const c = Math.floor(rng.uniform() * 3);
      const x = { age: rng.uniform() < 0.1 ? null : fround(30 + 10 * c + 5 * rng.normal()), member: c === 2, score: fround(rng.normal()) };
      return { x, y: ['a', 'b', 'c'][c]! };
    };
    const model = new SoftmaxRegression({ dim: 16, optimizer: 'adagrad', learningRate: 0.2, standardize: true });
    for (let t = 0; t < 3000; t++) {
      const s = record();
      model.learnOne(s.x, s.y);
    }
    const inputs = Array.from({ length: 300 }, () => record().x);
    const rows = inputs.flatMap((r) => features.map(({ name }) => (r[name] === null ? NaN : Number(r[name]))));
    const bytes = toOnnx(model, { input: { kind: 'records', features } });
    expect((await compare(model, bytes, inputs, rows, 3)).maxDiff).toBeLessThan(TOLERANCE);
    const meta = new Map(decodeOnnxModel(bytes).metadataProps.map((p) => [p.key, p.value]));
    expect(meta.get('modelyard.kind')).toBe('softmax_regression');
    expect(JSON.parse(meta.get('modelyard.classes')!)).toEqual(model.classes);
  });

  it('exports the model.json state to the same bytes as the instance, and refuses a model with no class', async () => {
    const model = new SoftmaxRegression({ dim: 4 });
    expect(() => toOnnx(model)).toThrow(/knows no class yet/);
    for (const s of denseStream(1, 100, ['x', 'y', 'z'])) model.learnOne(s.x, s.y);
    const state = JSON.parse(JSON.stringify(model.toJSON()));
    expect(Buffer.from(toOnnx(state)).equals(Buffer.from(toOnnx(model)))).toBe(true);
    expect(await loadError(toOnnx(model))).toBeNull();
  });
});
