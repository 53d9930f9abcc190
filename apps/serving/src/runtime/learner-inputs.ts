/**
 * How a learners' model.json (linear model or Hoeffding tree) takes its input: the tensors it
 * declares, and each row rebuilt as the record (or dense vector) the model learned from.
 */
import type { FeatureValue } from '@modelyard/learners';
import type { Feature } from './input-schema.js';
import type { HostTensor, TensorSpec } from './tensors.js';

/** The single matrix input, as the ONNX exporter names it. */
export const MATRIX_INPUT = 'input';

/**
 * Inputs as the exporter lays them out: one FP64 matrix, columns = features (or the model's dim
 * positions without a schema). A categorical feature cannot be a number column, so a schema with
 * one gets one tensor per feature instead (FP64, BOOL or BYTES by kind).
 */
export function inputsOf(dim: number, features: readonly Feature[] | null): TensorSpec[] {
  if (!features) return [{ name: MATRIX_INPUT, datatype: 'FP64', shape: [-1, dim] }];
  if (features.every((f) => f.kind !== 'categorical')) return [{ name: MATRIX_INPUT, datatype: 'FP64', shape: [-1, features.length] }];
  const datatype = { numeric: 'FP64', boolean: 'BOOL', categorical: 'BYTES' } as const;
  return features.map((f) => ({ name: f.name, datatype: datatype[f.kind], shape: [-1] }));
}

/** Row i as the learner's input: a dense vector, or one reused record of the features. */
export function rowReader(
  feeds: ReadonlyMap<string, HostTensor>,
  features: readonly Feature[] | null,
  dim: number,
): (i: number) => Float64Array | Record<string, FeatureValue> {
  const matrix = feeds.get(MATRIX_INPUT);
  if (!features) {
    const data = matrix!.data as Float64Array;
    const width = dim;
    return (i) => data.subarray(i * width, (i + 1) * width);
  }
  const record: Record<string, FeatureValue> = Object.create(null) as Record<string, FeatureValue>;
  if (matrix) {
    const data = matrix.data as Float64Array;
    const width = features.length;
    return (i) => {
      // Booleans go back to true/false: the learner adds `true` after scaling and skips `false`.
      features.forEach((f, j) => (record[f.name] = f.kind === 'boolean' ? data[i * width + j] !== 0 : data[i * width + j]!));
      return record;
    };
  }
  const columns = features.map((f) => feeds.get(f.name)!);
  return (i) => {
    features.forEach((f, j) => {
      const v = columns[j]!.data[i]!;
      record[f.name] = f.kind === 'boolean' ? v !== 0 : (v as number | string);
    });
    return record;
  };
}
