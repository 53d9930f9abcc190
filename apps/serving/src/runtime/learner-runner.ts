import {
  modelFromJSON,
  sigmoid,
  SoftmaxRegression,
  type FeatureValue,
  type LinearModel,
  type LinearModelState,
  type SoftmaxState,
} from '@modelyard/learners';
import type { Feature } from './input-schema.js';
import { ModelLoadError, type Runner } from './runner.js';
import type { HostTensor, TensorSpec } from './tensors.js';

/** One row as the learner's input. */
type Row = Float64Array | Record<string, FeatureValue>;

/** The single matrix input, as the ONNX exporter names it. */
export const MATRIX_INPUT = 'input';

type ServedModel = LinearModel | SoftmaxRegression;

function parseState(bytes: Uint8Array): ServedModel {
  try {
    const state = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as
      LinearModelState | SoftmaxState;
    if (state?.format === 'modelyard.softmax-model') {
      const model = SoftmaxRegression.fromJSON(state);
      if (model.classes.length === 0) throw new Error('the softmax model knows no class yet');
      return model;
    }
    if (state?.format !== 'modelyard.linear-model') throw new Error('not a modelyard linear or softmax model (format)');
    return modelFromJSON(state);
  } catch (err) {
    throw new ModelLoadError(`model.json is not a loadable learner model: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A softmax model's labels are INT64 when every class is an integer, else BYTES (as its ONNX export). */
const integerClasses = (model: SoftmaxRegression): boolean => model.classes.every((c) => typeof c === 'number');

/**
 * Inputs as the exporter lays them out: one FP64 matrix, columns = features (or the model's dim
 * positions without a schema). A categorical feature cannot be a number column, so a schema with
 * one gets one tensor per feature instead (FP64, BOOL or BYTES by kind).
 */
function inputsOf(model: ServedModel, features: readonly Feature[] | null): TensorSpec[] {
  if (!features) return [{ name: MATRIX_INPUT, datatype: 'FP64', shape: [-1, model.dim] }];
  if (features.every((f) => f.kind !== 'categorical')) return [{ name: MATRIX_INPUT, datatype: 'FP64', shape: [-1, features.length] }];
  const datatype = { numeric: 'FP64', boolean: 'BOOL', categorical: 'BYTES' } as const;
  return features.map((f) => ({ name: f.name, datatype: datatype[f.kind], shape: [-1] }));
}

/** Outputs named as the exporter's (skl2onnx's) so both formats of one model answer alike. */
function outputsOf(model: ServedModel): TensorSpec[] {
  if (model instanceof SoftmaxRegression) {
    return [
      { name: 'label', datatype: integerClasses(model) ? 'INT64' : 'BYTES', shape: [-1] },
      { name: 'probabilities', datatype: 'FP64', shape: [-1, model.classes.length] },
    ];
  }
  return model.kind === 'logistic_regression'
    ? [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] },
      ]
    : [{ name: 'variable', datatype: 'FP64', shape: [-1, 1] }];
}

/**
 * A learners' model.json served natively, in double precision: the learner's own `score`, with
 * the logistic link for probabilities; a softmax model answers its most probable class (`label`)
 * and one probability per class, in its `classes` order. Each row is rebuilt as the record (or dense vector) the
 * model learned from, so hashing and scaling are the learner's own.
 */
export class LearnerRunner implements Runner {
  readonly format = 'learner' as const;
  readonly platform = 'modelyard_learner';
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];

  private constructor(
    private readonly model: ServedModel,
    private readonly features: readonly Feature[] | null,
  ) {
    this.inputs = inputsOf(model, features);
    this.outputs = outputsOf(model);
  }

  static create(bytes: Uint8Array, features: readonly Feature[] | null): LearnerRunner {
    return new LearnerRunner(parseState(bytes), features);
  }

  run(feeds: ReadonlyMap<string, HostTensor>, outputs?: readonly string[]): Promise<Map<string, HostTensor>> {
    const n = feeds.values().next().value?.shape[0] ?? 0;
    const row = this.rowReader(feeds);
    const wanted = new Set(outputs ?? this.outputs.map((o) => o.name));
    if (this.model instanceof SoftmaxRegression) return Promise.resolve(this.runSoftmax(this.model, n, row, wanted));
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) scores[i] = this.model.score(row(i));
    const out = new Map<string, HostTensor>();
    if (this.model.kind !== 'logistic_regression') {
      if (wanted.has('variable')) out.set('variable', { datatype: 'FP64', shape: [n, 1], data: scores });
      return Promise.resolve(out);
    }
    if (wanted.has('label')) {
      const labels = new BigInt64Array(n);
      for (let i = 0; i < n; i++) labels[i] = scores[i]! >= 0 ? 1n : 0n;
      out.set('label', { datatype: 'INT64', shape: [n], data: labels });
    }
    if (wanted.has('probabilities')) {
      const p = new Float64Array(2 * n);
      // σ(−s) for P(y = 0), without the cancellation of 1 − σ(s).
      for (let i = 0; i < n; i++) [p[2 * i], p[2 * i + 1]] = [sigmoid(-scores[i]!), sigmoid(scores[i]!)];
      out.set('probabilities', { datatype: 'FP64', shape: [n, 2], data: p });
    }
    return Promise.resolve(out);
  }

  private runSoftmax(model: SoftmaxRegression, n: number, row: (i: number) => Row, wanted: ReadonlySet<string>): Map<string, HostTensor> {
    const out = new Map<string, HostTensor>();
    const K = model.classes.length;
    if (wanted.has('label')) {
      const labels = Array.from({ length: n }, (_, i) => model.predictOne(row(i))!);
      out.set(
        'label',
        integerClasses(model)
          ? { datatype: 'INT64', shape: [n], data: BigInt64Array.from(labels, (l) => BigInt(l)) }
          : { datatype: 'BYTES', shape: [n], data: labels.map(String) },
      );
    }
    if (wanted.has('probabilities')) {
      const p = new Float64Array(n * K);
      for (let i = 0; i < n; i++) p.set(model.predictProbaOne(row(i)), i * K);
      out.set('probabilities', { datatype: 'FP64', shape: [n, K], data: p });
    }
    return out;
  }

  /** Row i as the learner's input: a dense vector, or one reused record of the features. */
  private rowReader(feeds: ReadonlyMap<string, HostTensor>): (i: number) => Row {
    const matrix = feeds.get(MATRIX_INPUT);
    if (!this.features) {
      const data = matrix!.data as Float64Array;
      const width = this.model.dim;
      return (i) => data.subarray(i * width, (i + 1) * width);
    }
    const features = this.features;
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

  release(): Promise<void> {
    return Promise.resolve();
  }
}
