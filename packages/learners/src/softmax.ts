/**
 * Multinomial logistic regression (softmax regression) trained online, with the linear models'
 * optimizers, hashing and scaling. For K classes with scores s_c = w_c·x + b_c,
 *   P(c | x) = exp(s_c) / Σ_j exp(s_j),   loss = −ln P(y | x),
 *   ∂loss/∂s_c = P(c | x) − [c = y]        (Bishop, Pattern Recognition and Machine Learning, eq. 4.109)
 * so class c's weights get the gradient (P(c | x) − [c = y]) x, the linear models' μ − y per class.
 * Each class has its own weight row (dim features + intercept) and its own optimizer state; the
 * scaler and the hasher are shared, since the input is the same for every class.
 *
 * Classes are labels: strings or integers (1 and '1' are different labels). With `classes` in the
 * options the set is fixed and any other label is refused; without it the set grows as labels
 * appear, a new class starting with zero weights (score 0) at the end of `classes`. Before the first
 * label a grown model knows no class: it predicts null and an empty probability vector.
 *
 * With two classes and SGD this is binary logistic regression on w_1 − w_0: both rows move by
 * opposite gradients, so the difference moves by twice the step (see softmax.spec.ts).
 */
import { exp, F64, max, numberIsFinite } from './globals.js';
import { decodeFloats, encodeFloats, type EncodedFloats } from './float-codec.js';
import { FeatureInput } from './feature-input.js';
import { resolveLinearOptions, type Features, type LinearModelOptions, type ResolvedLinearOptions } from './linear-model.js';
import { createOptimizer, optimizerFromJSON, type Optimizer, type OptimizerOptions, type OptimizerState } from './optimizers.js';
import { OnlineStandardScaler, type ScalerState } from './scaler.js';
import { checkClassLabel, ClassLabels, type ClassLabel } from './class-labels.js';

export { checkClassLabel, type ClassLabel } from './class-labels.js';

export interface SoftmaxOptions extends LinearModelOptions {
  /** The fixed class set, in output order; omit to grow it as labels appear. */
  classes?: readonly ClassLabel[];
}

export interface ResolvedSoftmaxOptions extends ResolvedLinearOptions {
  /** Whether the class set was fixed in the options (otherwise it grows). */
  fixedClasses: boolean;
  /** The optimizer's hyperparameters, kept to create the optimizer of a class that appears later. */
  optimizerOptions: OptimizerOptions;
}

export interface SoftmaxState {
  format: 'modelyard.softmax-model';
  version: 1;
  kind: 'softmax_regression';
  options: ResolvedSoftmaxOptions;
  classes: ClassLabel[];
  samplesSeen: number;
  /** One row per class: dim feature weights, then the intercept. */
  weights: EncodedFloats[];
  optimizers: OptimizerState[];
  scaler: ScalerState | null;
}

function resolve(o: SoftmaxOptions): ResolvedSoftmaxOptions {
  const { learningRate, schedule, powerT, epsilon, alpha, beta } = o;
  const optimizerOptions = Object.fromEntries(
    Object.entries({ learningRate, schedule, powerT, epsilon, alpha, beta }).filter(([, v]) => v !== undefined),
  ) as OptimizerOptions;
  return { ...resolveLinearOptions(o), fixedClasses: o.classes !== undefined, optimizerOptions };
}

export class SoftmaxRegression {
  readonly kind = 'softmax_regression' as const;
  readonly options: ResolvedSoftmaxOptions;
  readonly dim: number;
  samplesSeen = 0;
  private readonly labels = new ClassLabels();
  private readonly rows: Float64Array[] = [];
  private optimizers: Optimizer[] = [];
  private readonly input: FeatureInput;
  // Per-class scores, then probabilities, of the last `load`; grown with the classes.
  private scores: Float64Array = new F64(4);
  private grad: Float64Array = new F64(16);
  private readonly interceptGrad = new F64(1);
  private readonly interceptIndex: Int32Array;

  constructor(options: SoftmaxOptions = {}) {
    this.options = resolve(options);
    this.dim = this.options.dim;
    this.interceptIndex = Int32Array.of(this.dim);
    this.input = new FeatureInput(this.dim, this.options.hashSeed, this.options.standardize ? new OnlineStandardScaler() : null);
    // A fresh optimizer checks the hyperparameters now, not when the first label arrives.
    createOptimizer(this.options.optimizer, this.options.optimizerOptions, 1, this.options);
    if (options.classes) {
      if (options.classes.length === 0) throw new RangeError('classes, when given, must list at least one label');
      for (const label of options.classes) this.addClass(label);
    }
  }

  /** The class labels in output order (probability columns, ONNX outputs). A copy. */
  get classes(): ClassLabel[] {
    return this.labels.list();
  }

  /** Position of `label` in `classes`, or −1 when the class is unknown. */
  indexOfClass(label: ClassLabel): number {
    return this.labels.indexOf(label);
  }

  /** The label at position c of `classes`. */
  classAt(c: number): ClassLabel {
    return this.labels.at(c);
  }

  /** A copy of class c's feature weights followed by its intercept. */
  weightsOf(c: number): Float64Array {
    return this.rows[c]!.slice();
  }

  /** Raw scores s_c = w_c·x + b_c, one per class, with the current weights and scaler statistics. */
  scoreOne(x: Features): Float64Array {
    this.load(x, false);
    return this.scores.slice(0, this.labels.size);
  }

  /** P(c | x) for every class, in `classes` order (empty before the first class is known). */
  predictProbaOne(x: Features): Float64Array {
    this.load(x, false);
    this.softmaxInPlace();
    return this.scores.slice(0, this.labels.size);
  }

  /** The most probable class (the first one on a tie, as ArgMax); null before any class is known. */
  predictOne(x: Features): ClassLabel | null {
    if (this.labels.size === 0) return null;
    this.load(x, false);
    return this.labels.at(this.argmax());
  }

  learnOne(x: Features, y: ClassLabel): void {
    const target = this.classIndex(y);
    this.load(x, true);
    this.softmaxInPlace();
    const p = this.scores;
    const dense = this.input.current;
    const h = this.input.hasher;
    const count = dense !== null ? dense.length : h.size;
    const values = dense !== null ? dense : h.values;
    const grad = this.gradBuffer(count);
    for (let c = 0; c < this.labels.size; c++) {
      const g = p[c]! - (c === target ? 1 : 0);
      const opt = this.optimizers[c]!;
      opt.beginStep();
      for (let k = 0; k < count; k++) grad[k] = g * values[k]!;
      opt.step(this.rows[c]!, grad, dense !== null ? null : h.indices, count, true);
      if (this.options.intercept) {
        this.interceptGrad[0] = g;
        opt.step(this.rows[c]!, this.interceptGrad, this.interceptIndex, 1, false);
      }
    }
    this.samplesSeen++;
  }

  learnMany(xs: readonly Features[], ys: readonly ClassLabel[]): void {
    if (xs.length !== ys.length) throw new RangeError(`${xs.length} inputs but ${ys.length} targets`);
    for (let k = 0; k < xs.length; k++) this.learnOne(xs[k]!, ys[k]!);
  }

  predictMany(xs: readonly Features[]): (ClassLabel | null)[] {
    return xs.map((x) => this.predictOne(x));
  }

  toJSON(): SoftmaxState {
    return {
      format: 'modelyard.softmax-model',
      version: 1,
      kind: 'softmax_regression',
      options: { ...this.options, optimizerOptions: { ...this.options.optimizerOptions } },
      classes: this.labels.list(),
      samplesSeen: this.samplesSeen,
      weights: this.rows.map((w) => encodeFloats(w)),
      optimizers: this.optimizers.map((o) => o.toJSON()),
      scaler: this.input.scaler ? this.input.scaler.toJSON() : null,
    };
  }

  static fromJSON(state: SoftmaxState): SoftmaxRegression {
    if (state?.format !== 'modelyard.softmax-model' || state.version !== 1)
      throw new TypeError('not a modelyard softmax model state (version 1)');
    const { classes, weights, optimizers } = state;
    if (!Array.isArray(classes) || !Array.isArray(weights) || !Array.isArray(optimizers))
      throw new TypeError('softmax state without classes, weights or optimizers');
    if (weights.length !== classes.length || optimizers.length !== classes.length)
      throw new TypeError(`softmax state has ${classes.length} classes, ${weights.length} weight rows, ${optimizers.length} optimizers`);
    const { fixedClasses, ...rest } = state.options;
    const model = new SoftmaxRegression({ ...rest, ...rest.optimizerOptions, ...(fixedClasses ? { classes } : {}) });
    const size = model.dim + 1;
    classes.forEach((label, c) => {
      if (!fixedClasses) model.addClass(label, (l) => new TypeError(`class ${JSON.stringify(l)} appears twice`));
      model.rows[c]!.set(decodeFloats(weights[c]!, size));
      model.optimizers[c] = optimizerFromJSON(optimizers[c]!, size, model.options);
      if (model.optimizers[c]!.name !== model.options.optimizer) throw new TypeError('optimizer state does not match options');
    });
    model.input.scaler = state.scaler ? OnlineStandardScaler.fromJSON(state.scaler) : null;
    if ((model.input.scaler !== null) !== model.options.standardize) throw new TypeError('scaler state does not match options');
    model.samplesSeen = state.samplesSeen;
    return model;
  }

  /** The index of label y, adding the class when the set grows. */
  private classIndex(y: ClassLabel): number {
    checkClassLabel(y);
    const c = this.labels.indexOf(y);
    if (c !== -1) return c;
    if (this.options.fixedClasses) throw new RangeError(`unknown class ${JSON.stringify(y)}: the class set is fixed`);
    return this.addClass(y);
  }

  private addClass(label: unknown, duplicate?: (label: ClassLabel) => Error): number {
    const size = this.dim + 1;
    // SGD's state is its step count: a late class continues the schedule the others are on.
    const first = this.optimizers[0];
    const sgd = first?.name === 'sgd';
    const optimizer = sgd
      ? optimizerFromJSON(first.toJSON(), size, this.options)
      : createOptimizer(this.options.optimizer, this.options.optimizerOptions, size, this.options);
    const c = this.labels.add(label, duplicate);
    this.rows.push(new F64(size));
    this.optimizers.push(optimizer);
    if (this.scores.length < this.labels.size) this.scores = new F64(2 * this.labels.size);
    return c;
  }

  /** Prepares x and writes every class's score into `scores`. */
  private load(x: Features, learn: boolean): void {
    this.input.load(x, learn);
    for (let c = 0; c < this.labels.size; c++) {
      const w = this.rows[c]!;
      const s = w[this.dim]! + this.input.dot(w);
      // A non-finite score would turn every touched weight into NaN; refuse the sample instead.
      if (learn && !numberIsFinite(s)) throw new RangeError('input gives a non-finite score');
      this.scores[c] = s;
    }
  }

  /** Scores → probabilities, shifted by the largest score so that exp never overflows. */
  private softmaxInPlace(): void {
    const n = this.labels.size;
    if (n === 0) return;
    const p = this.scores;
    let top = p[0]!;
    for (let c = 1; c < n; c++) top = max(top, p[c]!);
    let sum = 0;
    for (let c = 0; c < n; c++) {
      const e = exp(p[c]! - top);
      p[c] = e;
      sum += e;
    }
    for (let c = 0; c < n; c++) p[c] = p[c]! / sum;
  }

  private argmax(): number {
    let best = 0;
    for (let c = 1; c < this.labels.size; c++) if (this.scores[c]! > this.scores[best]!) best = c;
    return best;
  }

  private gradBuffer(count: number): Float64Array {
    if (this.grad.length < count) this.grad = new F64(max(count, 2 * this.grad.length));
    return this.grad;
  }
}
