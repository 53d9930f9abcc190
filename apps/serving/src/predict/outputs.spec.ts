import { chooseOutputs, perInstance } from './outputs.js';

const spec = (name: string, datatype: 'INT64' | 'FP32' | 'BYTES' = 'FP32', shape: number[] = [-1, 2]) => ({
  name,
  datatype,
  shape,
});

describe('chooseOutputs', () => {
  it('knows the exporter and skl2onnx names', () => {
    expect(chooseOutputs([spec('label', 'INT64', [-1]), spec('probabilities')])).toEqual({
      prediction: 'label',
      probabilities: 'probabilities',
    });
    expect(chooseOutputs([spec('output_label', 'INT64', [-1]), spec('output_probability')])).toEqual({
      prediction: 'output_label',
      probabilities: 'output_probability',
    });
    expect(chooseOutputs([spec('variable', 'FP32', [-1, 1])])).toEqual({ prediction: 'variable', probabilities: null });
  });

  it('takes the first output, and the other one of two as probabilities when it is a float matrix', () => {
    expect(chooseOutputs([spec('y', 'INT64', [-1]), spec('scores')])).toEqual({
      prediction: 'y',
      probabilities: 'scores',
    });
    expect(chooseOutputs([spec('y', 'INT64', [-1]), spec('names', 'BYTES', [-1, 2])])).toEqual({
      prediction: 'y',
      probabilities: null,
    });
    expect(chooseOutputs([spec('logits')])).toEqual({ prediction: 'logits', probabilities: null });
  });
});

describe('perInstance', () => {
  it('gives scalars for [N] and [N, 1], rows for [N, K], numbers for int64', () => {
    expect(perInstance({ datatype: 'INT64', shape: [3], data: BigInt64Array.of(0n, 1n, 2n) }, 3)).toEqual([0, 1, 2]);
    expect(perInstance({ datatype: 'FP64', shape: [2, 1], data: Float64Array.of(0.5, 1.5) }, 2)).toEqual([0.5, 1.5]);
    expect(perInstance({ datatype: 'FP64', shape: [2, 2], data: Float64Array.of(0.25, 0.75, 1, 0) }, 2)).toEqual([
      [0.25, 0.75],
      [1, 0],
    ]);
    expect(perInstance({ datatype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) }, 2)).toEqual([true, false]);
  });

  it('refuses an output that does not have one row per instance', () => {
    expect(() => perInstance({ datatype: 'FP64', shape: [3], data: new Float64Array(3) }, 2)).toThrow(
      'output has shape [3] for 2 instances',
    );
  });
});
