import {
  HoeffdingTreeClassifier,
  isLabelledTreeState,
  LabelledHoeffdingTree,
  type ClassLabel,
  type HoeffdingTreeState,
} from '@modelyard/learners';
import type { Feature } from './input-schema.js';
import { inputsOf, rowReader } from './learner-inputs.js';
import { ModelLoadError, type Runner } from './runner.js';
import type { HostTensor, TensorSpec } from './tensors.js';

/** The parsed model.json when it is a Hoeffding tree's (format tag), else null. */
export function isTreeState(bytes: Uint8Array): HoeffdingTreeState | null {
  try {
    const state = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as { format?: unknown };
    return state?.format === 'modelyard.hoeffding-tree' ? (state as HoeffdingTreeState) : null;
  } catch {
    return null; // not JSON: the linear model's parser reports it
  }
}

/**
 * A Hoeffding tree's model.json served natively: each row is rebuilt as the record (or dense vector)
 * the tree learned from, and answered with the tree's class probabilities and most probable class,
 * under the output names a linear classifier uses (label, probabilities), one column per class.
 * A tree over class labels (its model.json lists `labels`) answers its labels, as a softmax model
 * does: INT64 when every label is an integer, else BYTES; probabilities in its label order.
 */
export class TreeRunner implements Runner {
  readonly format = 'learner' as const;
  readonly platform = 'modelyard_learner';
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];

  private constructor(
    private readonly tree: HoeffdingTreeClassifier,
    /** The class labels of a labelled tree; null for a tree of class indices. */
    private readonly labels: readonly ClassLabel[] | null,
    private readonly features: readonly Feature[] | null,
    private readonly dim: number,
  ) {
    this.inputs = inputsOf(dim, features);
    this.outputs = [
      { name: 'label', datatype: labels && !labels.every((l) => typeof l === 'number') ? 'BYTES' : 'INT64', shape: [-1] },
      { name: 'probabilities', datatype: 'FP64', shape: [-1, tree.classes] },
    ];
  }

  static create(state: HoeffdingTreeState, features: readonly Feature[] | null): TreeRunner {
    let tree: HoeffdingTreeClassifier;
    let labels: ClassLabel[] | null = null;
    try {
      if (isLabelledTreeState(state)) {
        const labelled = LabelledHoeffdingTree.fromJSON(state);
        tree = labelled.tree;
        labels = labelled.classes;
      } else tree = HoeffdingTreeClassifier.fromJSON(state);
    } catch (err) {
      throw new ModelLoadError(`model.json is not a loadable Hoeffding tree: ${err instanceof Error ? err.message : String(err)}`);
    }
    const dim = tree.denseDim;
    if (!features && dim === null)
      throw new ModelLoadError('this Hoeffding tree learned feature records: its version needs an input schema naming the features');
    return new TreeRunner(tree, labels, features, dim ?? 0);
  }

  run(feeds: ReadonlyMap<string, HostTensor>, outputs?: readonly string[]): Promise<Map<string, HostTensor>> {
    const n = feeds.values().next().value?.shape[0] ?? 0;
    const k = this.tree.classes;
    const row = rowReader(feeds, this.features, this.dim);
    const probabilities = new Float64Array(n * k);
    const classes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const p = this.tree.predictProba(row(i));
      probabilities.set(p, i * k);
      let best = 0;
      for (let c = 1; c < k; c++) if (p[c]! > p[best]!) best = c;
      classes[i] = best;
    }
    const wanted = new Set(outputs ?? this.outputs.map((o) => o.name));
    const out = new Map<string, HostTensor>();
    if (wanted.has('label')) out.set('label', this.labelTensor(classes));
    if (wanted.has('probabilities')) out.set('probabilities', { datatype: 'FP64', shape: [n, k], data: probabilities });
    return Promise.resolve(out);
  }

  /** The predicted classes as the label output: indices, or a labelled tree's labels. */
  private labelTensor(classes: Int32Array): HostTensor {
    const n = classes.length;
    const labels = this.labels;
    if (!labels) return { datatype: 'INT64', shape: [n], data: BigInt64Array.from(classes, (c) => BigInt(c)) };
    const answered = Array.from(classes, (c) => labels[c]!);
    return this.outputs[0]!.datatype === 'BYTES'
      ? { datatype: 'BYTES', shape: [n], data: answered.map(String) }
      : { datatype: 'INT64', shape: [n], data: BigInt64Array.from(answered, (l) => BigInt(l)) };
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
