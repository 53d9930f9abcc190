/**
 * A Hoeffding tree over a fixed set of class labels (strings or integers), for streams whose labels
 * are names rather than the tree's class indices 0 … k − 1: label i of `classes` is the tree's class
 * i. It answers as SoftmaxRegression does (classes, indexOfClass, classAt, predictProbaOne as one
 * probability per class), so the multiclass metrics and test-then-train (softmax-progressive.ts)
 * take either model.
 *
 * Its model.json is the tree's state with the labels beside it (`labels`); a state without labels is
 * a tree of 0/1 labels (HoeffdingTreeClassifier). The set is fixed: a tree's per-leaf class counts
 * and per-class Gaussian estimators are sized when the leaf is made, so a label outside the set is
 * refused rather than added.
 */
import type { Features } from '../linear-model.js';
import { checkClassLabel, ClassLabels, type ClassLabel } from '../class-labels.js';
import { HoeffdingTreeClassifier, type HoeffdingTreeOptions, type HoeffdingTreeState } from './hoeffding-tree.js';

export interface LabelledTreeState extends HoeffdingTreeState {
  labels: ClassLabel[];
}

export class LabelledHoeffdingTree {
  readonly kind = 'hoeffding_tree';
  private readonly labels = new ClassLabels();

  private constructor(
    readonly tree: HoeffdingTreeClassifier,
    labels: readonly ClassLabel[],
  ) {
    if (labels.length !== tree.classes) throw new RangeError(`${labels.length} labels for a tree of ${tree.classes} classes`);
    for (const label of labels) this.labels.add(label);
  }

  /** A fresh tree over `classes` (at least 2 distinct labels); `options.classes` is their count. */
  static create(classes: readonly ClassLabel[], options: Omit<HoeffdingTreeOptions, 'classes'> = {}): LabelledHoeffdingTree {
    return new LabelledHoeffdingTree(new HoeffdingTreeClassifier({ ...options, classes: classes.length }), classes);
  }

  get options() {
    return this.tree.options;
  }

  get samplesSeen(): number {
    return this.tree.samplesSeen;
  }

  /** The class labels in output order (probability columns). A copy. */
  get classes(): ClassLabel[] {
    return this.labels.list();
  }

  /** Position of `label` in `classes`, or −1 when it is not one of them. */
  indexOfClass(label: ClassLabel): number {
    return this.labels.indexOf(label);
  }

  /** The label at position c of `classes`. */
  classAt(c: number): ClassLabel {
    return this.labels.at(c);
  }

  /** P(c | x) for every class, in `classes` order. */
  predictProbaOne(x: Features): Float64Array {
    return this.tree.predictProba(x);
  }

  /** The most probable class (the first one on a tie). */
  predictOne(x: Features): ClassLabel {
    return this.labels.at(this.tree.predictOne(x));
  }

  learnOne(x: Features, y: ClassLabel): void {
    checkClassLabel(y);
    const c = this.labels.indexOf(y);
    if (c === -1) throw new RangeError(`unknown class ${JSON.stringify(y)}: the class set is fixed`);
    this.tree.learnOne(x, c);
  }

  toJSON(): LabelledTreeState {
    return { ...this.tree.toJSON(), labels: this.labels.list() };
  }

  static fromJSON(state: LabelledTreeState): LabelledHoeffdingTree {
    if (!Array.isArray(state?.labels)) throw new TypeError('labelled tree state without labels');
    const { labels, ...tree } = state;
    return new LabelledHoeffdingTree(HoeffdingTreeClassifier.fromJSON(tree), labels);
  }
}

/** Whether a tree's model.json carries class labels (a LabelledHoeffdingTree's) rather than 0/1 classes. */
export function isLabelledTreeState(state: HoeffdingTreeState | LabelledTreeState): state is LabelledTreeState {
  return 'labels' in state && Array.isArray(state.labels);
}
