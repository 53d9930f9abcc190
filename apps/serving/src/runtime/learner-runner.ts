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
import { inputsOf, rowReader } from './learner-inputs.js';
import { isTreeState, TreeRunner } from './tree-runner.js';

/** One row as the learner's input. */
type Row = Float64Array | Record<string, FeatureValue>;

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
    this.inputs = inputsOf(model.dim, features);
    this.outputs = outputsOf(model);
  }

  /** A runner for a learners' model.json: a linear or softmax model, or a Hoeffding tree (tree-runner.ts). */
  static create(bytes: Uint8Array, features: readonly Feature[] | null): Runner {
    const tree = isTreeState(bytes);
    if (tree) return TreeRunner.create(tree, features);
    return new LearnerRunner(parseState(bytes), features);
  }

  run(feeds: ReadonlyMap<string, HostTensor>, outputs?: readonly string[]): Promise<Map<string, HostTensor>> {
    const n = feeds.values().next().value?.shape[0] ?? 0;
    const row = rowReader(feeds, this.features, this.model.dim);
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

  release(): Promise<void> {
    return Promise.resolve();
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
}
