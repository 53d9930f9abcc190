import * as ort from 'onnxruntime-node';
import { decodeOnnxModel } from '../onnx/index.js';
import { loadError, numbers, runOnnx } from '../onnx/onnxruntime.spec-helper.js';
import {
  corruptOnnx,
  KIT_FEATURES,
  linearClassifierOnnx,
  mlpClassifierOnnx,
  schemaIncompatibleOnnx,
  treeEnsembleClassifierOnnx,
} from './index.js';

// Outputs are float32: 1e-6 covers their rounding (relative 6e-8 of values ≤ 1).
const close = (actual: number[], expected: number[]): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, k) => expect(Math.abs(a - expected[k]!)).toBeLessThan(1e-6));
};

const softmax = (logits: number[]): number[] => {
  const e = logits.map((l) => Math.exp(l - Math.max(...logits)));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

const opsets = (bytes: Uint8Array) => decodeOnnxModel(bytes).opsetImport.map((o) => [o.domain, Number(o.version)]);

describe('ONNX test-model kit, run in onnxruntime-node', () => {
  it('tree ensemble: label and probabilities as the two trees give them by hand', async () => {
    const out = await runOnnx(treeEnsembleClassifierOnnx(), [0, 0, 1, 0.5, 1, 2, 0.5, 3, 0.6, -2], 2);
    // Each tree's leaf shares, averaged (tree 0 | tree 1):
    close(numbers(out.probabilities), [
      ...[(0.8 + 0.6) / 2, (0.2 + 0.4) / 2], // [0, 0]: x0 ≤ 0.5 | x1 ≤ 0
      ...[(0.3 + 0.25) / 2, (0.7 + 0.75) / 2], // [1, 0.5]: x0 > 0.5, x1 ≤ 1 | x1 > 0
      ...[(0.1 + 0.25) / 2, (0.9 + 0.75) / 2], // [1, 2]: x0 > 0.5, x1 > 1 | x1 > 0
      ...[(0.8 + 0.25) / 2, (0.2 + 0.75) / 2], // [0.5, 3]: x0 ≤ 0.5 (equal goes left) | x1 > 0
      ...[(0.3 + 0.6) / 2, (0.7 + 0.4) / 2], // [0.6, -2]: x0 > 0.5, x1 ≤ 1 | x1 ≤ 0
    ]);
    expect(numbers(out.label)).toEqual([0, 1, 1, 0, 1]);
    expect(out.label!.type).toBe('int64');
    expect(out.probabilities!.dims).toEqual([5, 2]);
    expect(opsets(treeEnsembleClassifierOnnx())).toEqual([
      ['', 17],
      ['ai.onnx.ml', 3],
    ]);
  });

  it('MLP: relu hidden layer and softmax as computed by hand', async () => {
    const out = await runOnnx(mlpClassifierOnnx(), [1, 1, 0, 0, 2, -1], 2);
    // [1, 1]: pre = [1 + 2, −1 + 1 + 0.5, 0.5 − 1 − 0.5] = [3, 0.5, −1] → h = [3, 0.5, 0]
    //         logits = [3 − 0.5 + 0.1, −3 + 0.5 − 0.1] = [2.6, −2.6]
    // [0, 0]: pre = [0, 0.5, −0.5] → h = [0, 0.5, 0]; logits = [−0.5 + 0.1, 0.5 − 0.1] = [−0.4, 0.4]
    // [2, −1]: pre = [2 − 2, −2 − 1 + 0.5, 1 + 1 − 0.5] = [0, −2.5, 1.5] → h = [0, 0, 1.5]
    //          logits = [0.75 + 0.1, 0.75 − 0.1] = [0.85, 0.65]
    close(numbers(out.probabilities), [...softmax([2.6, -2.6]), ...softmax([-0.4, 0.4]), ...softmax([0.85, 0.65])]);
    expect(numbers(out.label)).toEqual([0, 1, 0]);
    expect(opsets(mlpClassifierOnnx())).toEqual([['', 17]]);
  });

  it('linear classifier: softmax of x·Cᵀ + b by hand, three classes', async () => {
    const out = await runOnnx(linearClassifierOnnx(), [1, 2, 0, 0, 3, -1, -2, -2], 2);
    // scores = [x0, x1 + 0.5, −x0 − x1 − 0.5]
    close(numbers(out.probabilities), [
      ...softmax([1, 2.5, -3.5]),
      ...softmax([0, 0.5, -0.5]),
      ...softmax([3, -0.5, -2.5]),
      ...softmax([-2, -1.5, 3.5]),
    ]);
    expect(numbers(out.label)).toEqual([1, 1, 0, 2]);
    expect(out.probabilities!.dims).toEqual([4, 3]);
  });

  it('every valid kit model reads float input [N, 2] in the KIT_FEATURES order', async () => {
    expect(KIT_FEATURES).toEqual(['x0', 'x1']);
    for (const bytes of [treeEnsembleClassifierOnnx(), mlpClassifierOnnx(), linearClassifierOnnx()]) {
      const session = await ort.InferenceSession.create(bytes);
      expect(session.inputMetadata).toEqual([{ name: 'input', isTensor: true, type: 'float32', shape: ['N', 2] }]);
      expect(session.outputNames).toEqual(['label', 'probabilities']);
      await session.release();
    }
  });

  it('the corrupt file fails to parse, in onnxruntime and in the schema', async () => {
    expect(await loadError(corruptOnnx())).toMatch(/protobuf parsing failed/);
    expect(() => decodeOnnxModel(corruptOnnx())).toThrow();
  });

  it("the schema-incompatible model loads and runs on 3 columns, and refuses the kit's 2", async () => {
    expect(await loadError(schemaIncompatibleOnnx())).toBeNull();
    const out = await runOnnx(schemaIncompatibleOnnx(), [1, 2, 3], 3);
    // scores = [1 + 2 + 3, −(1 + 2 + 3)] = [6, −6]
    close(numbers(out.probabilities), softmax([6, -6]));
    expect(numbers(out.label)).toEqual([0]);
    const wrongWidth = /invalid dimensions for input: input.*\n.*Got: 2 Expected: 3/;
    await expect(runOnnx(schemaIncompatibleOnnx(), [1, 2], 2)).rejects.toThrow(wrongWidth);
  });
});
