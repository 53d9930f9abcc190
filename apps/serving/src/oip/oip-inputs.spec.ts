import { ValidationFailed } from '@modelyard/platform';
import type { TensorSpec } from '../runtime/tensors.js';
import { decodeInputs, selectOutputs } from './oip-inputs.js';

const specs: TensorSpec[] = [
  { name: 'x', datatype: 'FP32', shape: [-1, 2] },
  { name: 'ids', datatype: 'INT64', shape: [-1] },
];
const x = (data: unknown[], shape = [data.length / 2, 2]) => ({ name: 'x', shape, datatype: 'FP32' as const, data });
const ids = (data: unknown[]) => ({ name: 'ids', shape: [data.length], datatype: 'INT64' as const, data });

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationFailed) return err.errors.map((e) => `${e.field}: ${e.message}`);
    throw err;
  }
  throw new Error('accepted');
}

describe('decodeInputs', () => {
  it('decodes flat and nested data row-major, in any input order', () => {
    const flat = decodeInputs(specs, [ids([7, 8]), x([1, 2, 3, 4])]);
    const nested = decodeInputs(specs, [
      x(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 2],
      ),
      ids([7, 8]),
    ]);
    expect(Array.from(flat.get('x')!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(nested.get('x')).toEqual(flat.get('x'));
    expect(flat.get('ids')).toEqual({ datatype: 'INT64', shape: [2], data: BigInt64Array.of(7n, 8n) });
  });

  it('accepts an empty batch', () => {
    expect(decodeInputs(specs, [x([], [0, 2]), ids([])]).get('x')!.shape).toEqual([0, 2]);
  });

  it('names each problem by input and element', () => {
    expect(problems(() => decodeInputs(specs, [x([1, 'a', 3, null]), ids([1, 2]), ids([3, 4]), { ...ids([2]), name: 'nope' }]))).toEqual([
      'inputs.0.data.1: must be a finite number, not a string',
      'inputs.0.data.3: must be a finite number, not null',
      "inputs.2.name: input 'ids' is given twice",
      "inputs.3.name: 'nope' is not an input of this model (its inputs: 'x', 'ids')",
    ]);
    expect(problems(() => decodeInputs(specs, [x([1, 2])]))).toEqual(["inputs: the model's input 'ids' is missing"]);
    expect(problems(() => decodeInputs(specs, [x([1, 2]), ids([1.5])]))).toEqual(['inputs.1.data.0: must be an integer (INT64), not 1.5']);
  });

  it('checks shapes before allocating: rank, fixed dimensions, batch and element limits', () => {
    expect(problems(() => decodeInputs(specs, [x([1, 2], [1, 1, 2]), ids([1])]))[0]).toBe(
      "inputs.0.shape: [1, 1, 2] has 3 dimensions; input 'x' has 2: [-1, 2]",
    );
    expect(problems(() => decodeInputs(specs, [x([1, 2, 3], [1, 3]), ids([1])]))[0]).toBe(
      "inputs.0.shape: dimension 1 is 3; input 'x' takes 2: [-1, 2]",
    );
    expect(problems(() => decodeInputs(specs, [x([], [10_001, 2]), ids([1])]))[0]).toBe(
      'inputs.0.shape: a batch of 10001 is more than 10000 instances',
    );
    const wide: TensorSpec[] = [{ name: 'w', datatype: 'FP32', shape: null }];
    expect(problems(() => decodeInputs(wide, [{ name: 'w', shape: [1, 100_000, 1000], datatype: 'FP32', data: [] }]))[0]).toContain(
      'is more than 50000000 elements',
    );
  });

  it('refuses data that does not fill the shape, flat or nested', () => {
    expect(problems(() => decodeInputs(specs, [x([1, 2, 3], [2, 2]), ids([1, 2])]))).toEqual([
      'inputs.0.data: expected 2 elements at depth 0 for shape [2, 2] (or 4 flat)',
    ]);
    expect(
      problems(() =>
        decodeInputs(specs, [
          x(
            [
              [1, 2],
              [3, [4]],
            ],
            [2, 2],
          ),
          ids([1, 2]),
        ]),
      ),
    ).toEqual(['inputs.0.data.3: must be a finite number, not a list']);
  });
});

describe('selectOutputs', () => {
  const outputs: TensorSpec[] = [
    { name: 'label', datatype: 'INT64', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
  ];
  it('returns every output without a filter, the named ones with one', () => {
    expect(selectOutputs(outputs, undefined)).toEqual(['label', 'probabilities']);
    expect(selectOutputs(outputs, [{ name: 'probabilities' }, { name: 'probabilities' }])).toEqual(['probabilities']);
    expect(problems(() => selectOutputs(outputs, [{ name: 'constructor' }]))).toEqual([
      "outputs.0.name: 'constructor' is not an output of this model (its outputs: 'label', 'probabilities')",
    ]);
  });
});
