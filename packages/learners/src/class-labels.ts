/** A class label: a string, or an integer. */
export type ClassLabel = string | number;

/** Throws unless `y` is a string or an integer. */
export function checkClassLabel(y: unknown): asserts y is ClassLabel {
  if (typeof y === 'string') return;
  if (typeof y === 'number' && Number.isSafeInteger(y)) return;
  throw new RangeError(`class labels are strings or integers, got ${JSON.stringify(y)}`);
}

/**
 * A multiclass model's labels in output order (probability columns), with each label's position:
 * the bookkeeping softmax regression and the labelled Hoeffding tree share. 1 and '1' are
 * different labels.
 */
export class ClassLabels {
  private readonly labels: ClassLabel[] = [];
  private readonly index = new Map<ClassLabel, number>();

  get size(): number {
    return this.labels.length;
  }

  /** Appends a label (checked, and refused when already there); answers its position. */
  add(
    label: unknown,
    duplicate: (label: ClassLabel) => Error = (l) => new RangeError(`class ${JSON.stringify(l)} is listed twice`),
  ): number {
    checkClassLabel(label);
    if (this.index.has(label)) throw duplicate(label);
    const c = this.labels.length;
    this.labels.push(label);
    this.index.set(label, c);
    return c;
  }

  /** Position of `label`, or −1 when it is not one of them. */
  indexOf(label: ClassLabel): number {
    return this.index.get(label) ?? -1;
  }

  /** The label at position c. */
  at(c: number): ClassLabel {
    const label = this.labels[c];
    if (label === undefined) throw new RangeError(`no class at position ${c}`);
    return label;
  }

  /** The labels in order. A copy. */
  list(): ClassLabel[] {
    return [...this.labels];
  }
}
