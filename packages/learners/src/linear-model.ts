/**
 * Generalised linear model trained online. Both models here use a canonical link (identity with
 * squared loss ½(ŷ − y)², logistic with log loss), so the gradient of the loss with respect to the
 * raw score s = w·x + b is the same expression, μ(s) − y, and only the inverse link μ differs
 * (McCullagh & Nelder, Generalized Linear Models, §2.5). The gradient for w_i is (μ(s) − y) x_i.
 *
 * Layout: `weights` has dim + 1 entries, the last one the intercept, which is updated by the same
 * optimizer as the features but never regularised.
 * Dense inputs must have length `dim`; records are hashed into `dim` (see hash.ts). With
 * `standardize`, an OnlineStandardScaler learns each sample before it is used (River's pipeline
 * order: the scaler learns, then transforms, then the model learns); prediction uses current stats.
 * The dense learnOne path allocates nothing: scratch buffers are made once per model.
 */
import { abs, exp, F64, max, numberIsFinite } from './globals.js';
import { decodeFloats, encodeFloats, type EncodedFloats } from './float-codec.js';
import { FeatureHasher, type FeatureRecord } from './hash.js';
import {
  createOptimizer,
  optimizerFromJSON,
  type Optimizer,
  type OptimizerName,
  type OptimizerOptions,
  type OptimizerState,
} from './optimizers.js';
import { OnlineStandardScaler, type ScalerState } from './scaler.js';

export type Features = Float64Array | FeatureRecord;

export interface LinearModelOptions extends OptimizerOptions {
  /** Dense input length, or the hash space for records. Default 2^18 (Vowpal Wabbit's default -b 18). */
  dim?: number;
  /** Default 'sgd'. */
  optimizer?: OptimizerName;
  /** L1 strength (λ1). Default 0. */
  l1?: number;
  /** L2 strength (λ2). Default 0. */
  l2?: number;
  /** Learn an intercept. Default true. */
  intercept?: boolean;
  /** Standardise inputs online (OnlineStandardScaler). Default false. */
  standardize?: boolean;
  /** MurmurHash3 seed for record inputs. Default 0. */
  hashSeed?: number;
}

export interface ResolvedLinearOptions {
  dim: number;
  optimizer: OptimizerName;
  l1: number;
  l2: number;
  intercept: boolean;
  standardize: boolean;
  hashSeed: number;
}

export type LinearModelKind = 'logistic_regression' | 'linear_regression';

export interface LinearModelState {
  format: 'modelyard.linear-model';
  version: 1;
  kind: LinearModelKind;
  options: ResolvedLinearOptions;
  samplesSeen: number;
  weights: EncodedFloats;
  optimizer: OptimizerState;
  scaler: ScalerState | null;
}

export interface LearnManyOptions {
  /**
   * 'loop' (default): learnOne on each sample in order — identical to calling learnOne yourself.
   * 'mean': one optimizer step with the gradient averaged over the batch, every sample's gradient
   * taken at the weights before the batch (mini-batch gradient descent). Sample order then does not
   * matter except through the scaler, which still learns the samples one by one.
   */
  mode?: 'loop' | 'mean';
}

/** The options every linear family shares, checked and defaulted (linear models and softmax). */
export function resolveLinearOptions(o: LinearModelOptions): ResolvedLinearOptions {
  const dim = o.dim ?? 1 << 18;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  const l1 = o.l1 ?? 0;
  const l2 = o.l2 ?? 0;
  if (!(l1 >= 0) || !(l2 >= 0)) throw new RangeError('l1 and l2 must be ≥ 0');
  return {
    dim,
    optimizer: o.optimizer ?? 'sgd',
    l1,
    l2,
    intercept: o.intercept ?? true,
    standardize: o.standardize ?? false,
    hashSeed: o.hashSeed ?? 0,
  };
}

/** σ(s) = 1 / (1 + e^−s), written with e^−|s| so that the exponential never overflows. */
export function sigmoid(s: number): number {
  const e = exp(-abs(s));
  return s >= 0 ? 1 / (1 + e) : e / (1 + e);
}

export abstract class LinearModel {
  readonly kind: LinearModelKind;
  readonly options: ResolvedLinearOptions;
  readonly dim: number;
  /** dim feature weights followed by the intercept. Read-only for callers. */
  readonly weights: Float64Array;
  samplesSeen = 0;
  protected optimizer: Optimizer;
  protected scaler: OnlineStandardScaler | null;
  private hasherCache: FeatureHasher | null = null;
  private readonly scaled: Float64Array;
  // The input of the last `load`: a dense vector, or null when it sits in the hasher's buffers.
  private current: Float64Array | null = null;
  // Raw score of the last `load`, and μ(score) − y for learning.
  private loadedScore = 0;
  private residual = 0;
  private readonly logistic: boolean;
  // Per-coordinate gradients of one step, and the intercept's (index dim) as a one-entry step.
  private grad: Float64Array = new F64(16);
  private readonly interceptGrad = new F64(1);
  private readonly interceptIndex: Int32Array;
  // Mean-gradient scratch, made on first use.
  private gradSum: Float64Array | null = null;
  private touched: Int32Array | null = null;
  private mark: Uint8Array | null = null;
  private readonly scaleByName = (name: string, v: number): number => this.scaler!.scale(name, v);

  constructor(kind: LinearModelKind, options: LinearModelOptions = {}) {
    this.kind = kind;
    this.logistic = kind === 'logistic_regression';
    this.options = resolveLinearOptions(options);
    this.dim = this.options.dim;
    this.weights = new F64(this.dim + 1);
    this.optimizer = createOptimizer(this.options.optimizer, options, this.dim + 1, this.options);
    this.interceptIndex = Int32Array.of(this.dim);
    this.scaler = this.options.standardize ? new OnlineStandardScaler() : null;
    this.scaled = new F64(this.options.standardize ? this.dim : 0);
  }

  /**
   * Sets `residual` = μ(s) − y for the loaded score, the loss gradient with respect to s. The result
   * goes through a field and σ is written out (same expression as `sigmoid`) because a double returned
   * by a call V8 leaves un-inlined is boxed in a fresh heap number (see optimizers.ts).
   */
  private computeResidual(y: number): void {
    const s = this.loadedScore;
    if (!this.logistic) {
      this.residual = s - y;
      return;
    }
    const e = exp(-abs(s));
    this.residual = (s >= 0 ? 1 / (1 + e) : e / (1 + e)) - y;
  }

  /** Throws when y is not a valid target. */
  protected abstract checkTarget(y: number): void;
  abstract predictOne(x: Features): number;

  get intercept(): number {
    return this.weights[this.dim]!;
  }

  /** A copy of the feature weights (without the intercept). */
  coefficients(): Float64Array {
    return this.weights.slice(0, this.dim);
  }

  /** Raw score w·x + b with the current weights and scaler statistics. */
  score(x: Features): number {
    this.load(x, false);
    return this.loadedScore;
  }

  learnOne(x: Features, y: number): void {
    this.checkTarget(y);
    this.load(x, true);
    this.computeResidual(y);
    const g = this.residual;
    const opt = this.optimizer;
    opt.beginStep();
    const dense = this.current;
    if (dense !== null) {
      const grad = this.gradBuffer(dense.length);
      for (let i = 0; i < dense.length; i++) grad[i] = g * dense[i]!;
      opt.step(this.weights, grad, null, dense.length, true);
    } else {
      const { indices, values, size } = this.hasher;
      const grad = this.gradBuffer(size);
      for (let k = 0; k < size; k++) grad[k] = g * values[k]!;
      opt.step(this.weights, grad, indices, size, true);
    }
    this.stepIntercept(g);
    this.samplesSeen++;
  }

  learnMany(xs: readonly Features[], ys: ArrayLike<number>, options: LearnManyOptions = {}): void {
    if (xs.length !== ys.length) throw new RangeError(`${xs.length} inputs but ${ys.length} targets`);
    const mode = options.mode ?? 'loop';
    if (mode === 'loop') {
      for (let k = 0; k < xs.length; k++) this.learnOne(xs[k]!, ys[k]!);
    } else if (mode === 'mean') {
      this.meanGradientStep(xs, ys);
    } else {
      throw new RangeError(`unknown learnMany mode ${String(mode)}`);
    }
  }

  predictMany(xs: readonly Features[]): Float64Array {
    const out = new F64(xs.length);
    for (let k = 0; k < xs.length; k++) out[k] = this.predictOne(xs[k]!);
    return out;
  }

  toJSON(): LinearModelState {
    return {
      format: 'modelyard.linear-model',
      version: 1,
      kind: this.kind,
      options: { ...this.options },
      samplesSeen: this.samplesSeen,
      weights: encodeFloats(this.weights),
      optimizer: this.optimizer.toJSON(),
      scaler: this.scaler ? this.scaler.toJSON() : null,
    };
  }

  /** Overwrites this fresh model's learned state with `state` (used by the subclasses' fromJSON). */
  protected restore(state: LinearModelState): this {
    if (state.format !== 'modelyard.linear-model' || state.version !== 1)
      throw new TypeError('not a modelyard linear model state (version 1)');
    if (state.kind !== this.kind) throw new TypeError(`state is a ${state.kind}, not a ${this.kind}`);
    this.weights.set(decodeFloats(state.weights, this.dim + 1));
    this.optimizer = optimizerFromJSON(state.optimizer, this.dim + 1, this.options);
    if (this.optimizer.name !== this.options.optimizer) throw new TypeError('optimizer state does not match options');
    this.scaler = state.scaler ? OnlineStandardScaler.fromJSON(state.scaler) : null;
    if ((this.scaler !== null) !== this.options.standardize) throw new TypeError('scaler state does not match options');
    this.samplesSeen = state.samplesSeen;
    return this;
  }

  private get hasher(): FeatureHasher {
    return (this.hasherCache ??= new FeatureHasher(this.dim, this.options.hashSeed));
  }

  /**
   * Prepares x (scaling, hashing) as the current input and sets `loadedScore`. The score goes through
   * a field, not the return value: V8 does not inline this method, and a returned double would be
   * boxed in a fresh heap number per call (it was the last allocation on the dense learnOne path).
   */
  private load(x: Features, learn: boolean): void {
    const w = this.weights;
    let s = w[this.dim]!;
    if (x instanceof F64) {
      if (x.length !== this.dim) throw new RangeError(`expected ${this.dim} features, got ${x.length}`);
      let input = x;
      if (this.scaler !== null) {
        // The scaler must not learn a value that would poison its statistics.
        if (learn) for (let i = 0; i < x.length; i++) if (!numberIsFinite(x[i]!)) throw new RangeError(`feature ${i} is not finite`);
        if (learn) this.scaler.learnOne(x);
        input = this.scaler.transformDense(x, this.scaled);
      }
      for (let i = 0; i < input.length; i++) s += w[i]! * input[i]!;
      this.current = input;
    } else {
      if (learn && this.scaler !== null) this.scaler.learnOne(x);
      const h = this.hasher;
      h.hash(x, this.scaler !== null ? this.scaleByName : undefined);
      for (let k = 0; k < h.size; k++) s += w[h.indices[k]!]! * h.values[k]!;
      this.current = null;
    }
    // A non-finite score would turn every touched weight into NaN; refuse the sample instead.
    if (learn && !numberIsFinite(s)) throw new RangeError('input gives a non-finite score');
    this.loadedScore = s;
  }

  private stepIntercept(g: number): void {
    if (!this.options.intercept) return;
    this.interceptGrad[0] = g;
    this.optimizer.step(this.weights, this.interceptGrad, this.interceptIndex, 1, false);
  }

  /** Scratch for per-coordinate gradients, grown (rarely) to hold `count` entries. */
  private gradBuffer(count: number): Float64Array {
    if (this.grad.length < count) this.grad = new F64(max(count, 2 * this.grad.length));
    return this.grad;
  }

  private meanGradientStep(xs: readonly Features[], ys: ArrayLike<number>): void {
    if (xs.length === 0) return;
    for (let k = 0; k < xs.length; k++) this.checkTarget(ys[k]!);
    const sum = (this.gradSum ??= new F64(this.dim));
    // touched[0..count) lists the coordinates with a gradient; mark[i] = 1 once i is listed.
    const touched = (this.touched ??= new Int32Array(this.dim));
    const mark = (this.mark ??= new Uint8Array(this.dim));
    let count = 0;
    let interceptSum = 0;
    const add = (i: number, g: number): void => {
      if (mark[i] === 0) {
        mark[i] = 1;
        touched[count++] = i;
      }
      sum[i]! += g;
    };
    try {
      for (let k = 0; k < xs.length; k++) {
        this.load(xs[k]!, true);
        this.computeResidual(ys[k]!);
        const g = this.residual;
        const dense = this.current;
        if (dense !== null) {
          for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) add(i, g * dense[i]!);
        } else {
          const { indices, values, size: n } = this.hasher;
          for (let j = 0; j < n; j++) add(indices[j]!, g * values[j]!);
        }
        interceptSum += g;
      }
      const grad = this.gradBuffer(count);
      for (let j = 0; j < count; j++) grad[j] = sum[touched[j]!]! / xs.length;
      this.optimizer.beginStep();
      this.optimizer.step(this.weights, grad, touched, count, true);
      this.stepIntercept(interceptSum / xs.length);
      this.samplesSeen += xs.length;
    } finally {
      // A refused sample aborts the whole step; the scratch must be clean for the next batch.
      for (let j = 0; j < count; j++) {
        sum[touched[j]!] = 0;
        mark[touched[j]!] = 0;
      }
    }
  }
}
