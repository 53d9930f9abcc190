import { mlpClassifierOnnx, KIT_INPUT } from '@modelyard/learners/testing';
import { BatchingRunner, MAX_BATCH_ROWS } from './batching-runner.js';
import { OnnxRunner } from './onnx-runner.js';
import type { Runner } from './runner.js';
import type { HostTensor } from './tensors.js';

const feeds = (rows: number[][], name = KIT_INPUT) =>
  new Map<string, HostTensor>([[name, { datatype: 'FP32', shape: [rows.length, rows[0]!.length], data: Float32Array.from(rows.flat()) }]]);

/** A runner of this file's own: doubles each value (`twice`), fails on a 13, and counts its runs. */
class Doubler implements Runner {
  readonly format = 'learner' as const;
  readonly platform = 'test';
  readonly inputs = [{ name: 'x', datatype: 'FP32' as const, shape: [-1, 1] }];
  readonly outputs = [{ name: 'twice', datatype: 'FP32' as const, shape: [-1, 1] }];
  seen: number[] = [];
  constructor(private readonly perRow = true) {}
  async run(f: ReadonlyMap<string, HostTensor>): Promise<Map<string, HostTensor>> {
    const x = f.get('x')!.data as Float32Array;
    this.seen.push(x.length);
    if (x.includes(13)) throw new Error('13 is refused');
    // perRow false: one value for the whole batch, as a model that reduces over rows answers.
    const data = this.perRow ? x.map((v) => 2 * v) : Float32Array.of(x.reduce((a, b) => a + b, 0));
    return new Map([['twice', { datatype: 'FP32', shape: [data.length, 1], data }]]);
  }
  release = async () => {};
}

const twice = async (p: Promise<Map<string, HostTensor>>) => [...((await p).get('twice')!.data as Float32Array)];

describe('BatchingRunner', () => {
  it('runs the calls of one turn as one onnxruntime run and answers each its own rows, as each alone', async () => {
    const onnx = await OnnxRunner.create(mlpClassifierOnnx());
    const batching = new BatchingRunner(onnx);
    const calls = [
      [[0.5, 1]],
      [
        [-1, 2],
        [3, 0.25],
        [0, 0],
      ],
      [
        [2, -2],
        [1, 1],
      ],
    ];
    const together = await Promise.all(calls.map((rows) => batching.run(feeds(rows))));
    expect(batching.runs).toBe(1);
    for (const [i, rows] of calls.entries()) {
      const alone = await onnx.run(feeds(rows));
      expect(together[i]!.get('label')).toEqual(alone.get('label'));
      const probabilities = together[i]!.get('probabilities')!;
      expect(probabilities.shape).toEqual([rows.length, 2]);
      const expected = [...(alone.get('probabilities')!.data as Float32Array)];
      [...(probabilities.data as Float32Array)].forEach((p, k) => expect(p).toBeCloseTo(expected[k]!, 6));
    }
    // The kit MLP's labels by hand (onnx-models.ts): label 1 when 2·(h1 − h0) − 0.2 > 0, with
    // h0 = relu(x0 + 2·x1), h1 = relu(−x0 + x1 + 0.5): [−1, 2] → h 3, 3.5 → 1; [3, 0.25] → 3.5, 0 → 0; [0, 0] → 0, 0.5 → 1.
    expect([...(together[1]!.get('label')!.data as BigInt64Array)]).toEqual([1n, 0n, 1n]);
    expect([...(together[0]!.get('label')!.data as BigInt64Array)]).toEqual([0n]);
    await onnx.release();
  });

  it('reruns every call alone when the batched run fails: a bad request fails alone', async () => {
    const inner = new Doubler();
    const batching = new BatchingRunner(inner);
    const [a, bad, c] = await Promise.allSettled([
      twice(batching.run(feeds([[1]], 'x'))),
      twice(batching.run(feeds([[13]], 'x'))),
      twice(batching.run(feeds([[2], [3]], 'x'))),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: [2] });
    expect(c).toEqual({ status: 'fulfilled', value: [4, 6] });
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/13 is refused/);
    // One batched run of 4 values, then each call alone.
    expect(inner.seen).toEqual([4, 1, 1, 2]);
  });

  it('answers as unbatched when an output is not one row per input row, and stops batching that model', async () => {
    const inner = new Doubler(false);
    const batching = new BatchingRunner(inner);
    const answers = await Promise.all([twice(batching.run(feeds([[1], [2]], 'x'))), twice(batching.run(feeds([[5]], 'x')))]);
    expect(answers).toEqual([[3], [5]]);
    expect(inner.seen).toEqual([3, 2, 1]);
    // The model answers so for any input: later calls are no longer batched (no run made twice).
    const later = await Promise.all([twice(batching.run(feeds([[1], [2]], 'x'))), twice(batching.run(feeds([[5]], 'x')))]);
    expect(later).toEqual([[3], [5]]);
    expect(inner.seen).toEqual([3, 2, 1, 2, 1]);
  });

  it('batches only like calls: other outputs or another row shape run apart', async () => {
    const inner = new Doubler();
    const batching = new BatchingRunner(inner);
    const wide = new Map<string, HostTensor>([['x', { datatype: 'FP32', shape: [1, 2], data: Float32Array.of(7, 8) }]]);
    const answers = await Promise.all([
      twice(batching.run(feeds([[1]], 'x'), ['twice'])),
      twice(batching.run(feeds([[2]], 'x'))),
      twice(batching.run(wide)),
      twice(batching.run(feeds([[3]], 'x'), ['twice'])),
    ]);
    expect(answers).toEqual([[2], [4], [14, 16], [6]]);
    expect(inner.seen.sort()).toEqual([1, 2, 2]);
    expect(batching.runs).toBe(3);
  });

  it(`keeps a run at most ${MAX_BATCH_ROWS} rows: a larger call runs alone, a full batch is sent at once`, async () => {
    const inner = new Doubler();
    const batching = new BatchingRunner(inner);
    const rows = (n: number) =>
      feeds(
        Array.from({ length: n }, () => [1]),
        'x',
      );
    const answers = await Promise.all([
      twice(batching.run(rows(MAX_BATCH_ROWS))),
      twice(batching.run(rows(600))),
      twice(batching.run(rows(600))),
      twice(batching.run(rows(10))),
    ]);
    expect(answers.map((a) => a.length)).toEqual([MAX_BATCH_ROWS, 600, 600, 10]);
    expect(inner.seen).toEqual([MAX_BATCH_ROWS, 600, 610]);
  });
});
