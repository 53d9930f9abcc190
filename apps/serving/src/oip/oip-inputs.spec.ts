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
    const json = (name: string) => ({ name, binary: false });
    expect(selectOutputs(outputs, undefined)).toEqual([json('label'), json('probabilities')]);
    expect(selectOutputs(outputs, [{ name: 'probabilities' }, { name: 'probabilities' }])).toEqual([json('probabilities')]);
    expect(problems(() => selectOutputs(outputs, [{ name: 'constructor' }]))).toEqual([
      "outputs.0.name: 'constructor' is not an output of this model (its outputs: 'label', 'probabilities')",
    ]);
  });

  it('answers in binary the outputs with binary_data, or all with binary_data_output unless one says false', () => {
    expect(selectOutputs(outputs, undefined, { binary_data_output: true })).toEqual([
      { name: 'label', binary: true },
      { name: 'probabilities', binary: true },
    ]);
    expect(selectOutputs(outputs, [{ name: 'label', parameters: { binary_data: true } }, { name: 'probabilities' }])).toEqual([
      { name: 'label', binary: true },
      { name: 'probabilities', binary: false },
    ]);
    const some = selectOutputs(outputs, [{ name: 'label', parameters: { binary_data: false } }, { name: 'probabilities' }], {
      binary_data_output: true,
    });
    expect(some).toEqual([
      { name: 'label', binary: false },
      { name: 'probabilities', binary: true },
    ]);
    expect(
      problems(() => selectOutputs(outputs, [{ name: 'label', parameters: { binary_data: 'yes' } }], { binary_data_output: 1 })),
    ).toEqual([
      'parameters.binary_data_output: must be true or false, not 1',
      'outputs.0.parameters.binary_data: must be true or false, not "yes"',
    ]);
  });
});

describe('decodeInputs with binary tensor data', () => {
  const fp32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
  const int64 = (values: bigint[]) => new Uint8Array(BigInt64Array.from(values).buffer);
  const bin = (name: string, shape: number[], datatype: 'FP32' | 'INT64', size: unknown) => ({
    name,
    shape,
    datatype,
    parameters: { binary_data_size: size as number },
  });
  const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

  it('takes each binary input from the bytes after the header, in input order, beside JSON inputs', () => {
    const bytes = join(int64([7n, -8n]), fp32([1.5, 2, 3, -4]));
    const feeds = decodeInputs(specs, [bin('ids', [2], 'INT64', 16), bin('x', [2, 2], 'FP32', 16)], bytes);
    expect(feeds.get('ids')!.data).toEqual(BigInt64Array.from([7n, -8n]));
    expect(feeds.get('x')!.data).toEqual(Float32Array.from([1.5, 2, 3, -4]));
    const mixed = decodeInputs(specs, [x([1, 2]), bin('ids', [1], 'INT64', 8)], int64([5n]));
    expect(mixed.get('x')!.data).toEqual(Float32Array.from([1, 2]));
    expect(mixed.get('ids')!.data).toEqual(BigInt64Array.from([5n]));
    // Bytes at an odd offset (a body's slice) are copied into an aligned array.
    const odd = join(new Uint8Array([0]), fp32([9, 10])).subarray(1);
    expect(decodeInputs([specs[0]!], [bin('x', [1, 2], 'FP32', 8)], odd).get('x')!.data).toEqual(Float32Array.from([9, 10]));
  });

  it('refuses a size that does not fit the shape, bytes past or left after the inputs, and non-finite floats, naming the input', () => {
    expect(problems(() => decodeInputs(specs, [bin('x', [2, 2], 'FP32', 12), ids([1, 2])], fp32([1, 2, 3])))).toEqual([
      "inputs.0.parameters.binary_data_size: 12 bytes for input 'x'; shape [2, 2] of FP32 takes 16 (4 elements of 4 bytes)",
    ]);
    expect(problems(() => decodeInputs(specs, [bin('x', [1, 2], 'FP32', 8), ids([1])], fp32([1])))).toEqual([
      "inputs.0.parameters.binary_data_size: 8 bytes run past the body: 4 bytes of binary data are left for input 'x'",
    ]);
    expect(problems(() => decodeInputs(specs, [bin('x', [1, 2], 'FP32', 8), ids([1])], fp32([1, 2, 3])))).toEqual([
      'inputs: 4 bytes of binary data after the JSON header belong to no input (binary_data_size)',
    ]);
    expect(problems(() => decodeInputs(specs, [bin('x', [1, 2], 'FP32', -8), ids([1])], fp32([1, 2])))).toEqual([
      'inputs.0.parameters.binary_data_size: must be a whole number of bytes, not -8',
    ]);
    expect(problems(() => decodeInputs(specs, [bin('x', [1, 2], 'FP32', 8), ids([1])], fp32([1, NaN])))).toEqual([
      "inputs.0.data.1: input 'x': must be a finite number, not NaN",
    ]);
    expect(problems(() => decodeInputs(specs, [{ name: 'x', shape: [1, 2], datatype: 'FP32' }, ids([1])]))).toEqual([
      "inputs.0.data: input 'x' has no data (nor parameters.binary_data_size for binary data)",
    ]);
  });

  it('reads BYTES as 4-byte little-endian lengths and UTF-8, BOOL as 0/1 bytes', () => {
    const words: TensorSpec[] = [
      { name: 'w', datatype: 'BYTES', shape: [-1] },
      { name: 'b', datatype: 'BOOL', shape: [-1] },
    ];
    const text = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      const n = Buffer.alloc(4);
      n.writeUInt32LE(b.length);
      return [...n, ...b];
    };
    const strings = Uint8Array.from([...text('pro'), ...text(''), ...text('é')]);
    const inputs = [
      { name: 'w', shape: [3], datatype: 'BYTES' as const, parameters: { binary_data_size: strings.length } },
      { name: 'b', shape: [2], datatype: 'BOOL' as const, parameters: { binary_data_size: 2 } },
    ];
    const feeds = decodeInputs(words, inputs, join(strings, new Uint8Array([1, 0])));
    expect(feeds.get('w')!.data).toEqual(['pro', '', 'é']);
    expect(feeds.get('b')!.data).toEqual(Uint8Array.from([1, 0]));
    expect(problems(() => decodeInputs(words, inputs, join(strings, new Uint8Array([1, 2]))))).toEqual([
      "inputs.1.data.1: input 'b': must be a BOOL byte (0 or 1), not 2",
    ]);
    const short = [{ ...inputs[0]!, shape: [4] }, inputs[1]!];
    expect(problems(() => decodeInputs(words, short, join(strings, new Uint8Array([1, 0]))))).toEqual([
      "inputs.0.parameters.binary_data_size: input 'w': holds 3 BYTES elements, the shape 4",
    ]);
  });
});
