import { modelFromJSON, sigmoid, type LinearModel, type LinearModelState } from '@modelyard/learners';
import type { Feature } from './input-schema.js';
import { ModelLoadError, type Runner } from './runner.js';
import type { HostTensor, TensorSpec } from './tensors.js';
import { inputsOf, rowReader } from './learner-inputs.js';
import { isTreeState, TreeRunner } from './tree-runner.js';

function parseState(bytes: Uint8Array): LinearModel {
  try {
    const state = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as LinearModelState;
    if (state?.format !== 'modelyard.linear-model') throw new Error('not a modelyard linear model (format)');
    return modelFromJSON(state);
  } catch (err) {
    throw new ModelLoadError(`model.json is not a loadable linear model: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Outputs named as the exporter's (skl2onnx's) so both formats of one model answer alike. */
function outputsOf(model: LinearModel): TensorSpec[] {
  return model.kind === 'logistic_regression'
    ? [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] },
      ]
    : [{ name: 'variable', datatype: 'FP64', shape: [-1, 1] }];
}

/**
 * A learners' model.json served natively, in double precision: the learner's own `score`, with
 * the logistic link for probabilities. Each row is rebuilt as the record (or dense vector) the
 * model learned from, so hashing and scaling are the learner's own.
 */
export class LearnerRunner implements Runner {
  readonly format = 'learner' as const;
  readonly platform = 'modelyard_learner';
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];

  private constructor(
    private readonly model: LinearModel,
    private readonly features: readonly Feature[] | null,
  ) {
    this.inputs = inputsOf(model.dim, features);
    this.outputs = outputsOf(model);
  }

  /** A runner for a learners' model.json: a linear model, or a Hoeffding tree (tree-runner.ts). */
  static create(bytes: Uint8Array, features: readonly Feature[] | null): Runner {
    const tree = isTreeState(bytes);
    if (tree) return TreeRunner.create(tree, features);
    return new LearnerRunner(parseState(bytes), features);
  }

  run(feeds: ReadonlyMap<string, HostTensor>, outputs?: readonly string[]): Promise<Map<string, HostTensor>> {
    const n = feeds.values().next().value?.shape[0] ?? 0;
    const scores = new Float64Array(n);
    const row = rowReader(feeds, this.features, this.model.dim);
    for (let i = 0; i < n; i++) scores[i] = this.model.score(row(i));
    const wanted = new Set(outputs ?? this.outputs.map((o) => o.name));
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
}
