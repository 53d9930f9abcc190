/**
 * Per-coordinate optimizers for linear models. The model calls `beginStep()` once per update (one
 * sample, or one mean-gradient step) and then `update(w, i, g, l1, l2)` for every active coordinate,
 * where g is ∂loss/∂w_i without regularisation. Each optimizer writes the new w_i into the model's
 * weight array, so prediction is always a plain dot product.
 *
 * Regularisation is applied to the coordinates a sample touches (its non-zero features and the
 * intercept is passed l1 = l2 = 0), the "lazy" convention of McMahan et al. 2013, where only i with
 * x_i ≠ 0 are visited. For dense inputs without zeros this is the usual full update.
 */
import { F64, numberIsFinite, pow, sqrt } from './globals.js';
import { decodeFloats, encodeFloats, type EncodedFloats } from './float-codec.js';

export type OptimizerName = 'sgd' | 'adagrad' | 'ftrl';

export interface OptimizerOptions {
  /** SGD and AdaGrad base step η0. Default 0.01 (SGD), 0.1 (AdaGrad). */
  learningRate?: number;
  /** SGD: `constant` (η_t = η0) or `invscaling` (η_t = η0 / t^powerT, t = 1, 2, … updates). */
  schedule?: 'constant' | 'invscaling';
  /** SGD invscaling exponent. Default 0.5. */
  powerT?: number;
  /** AdaGrad: added to √G_i in the denominator. Default 1e-8. */
  epsilon?: number;
  /** FTRL α (per-coordinate learning-rate scale). Default 0.1. */
  alpha?: number;
  /** FTRL β (smooths the first steps: rate α / (β + √n_i)). Default 1. */
  beta?: number;
}

export type OptimizerState =
  | { name: 'sgd'; learningRate: number; schedule: 'constant' | 'invscaling'; powerT: number; steps: number }
  | { name: 'adagrad'; learningRate: number; epsilon: number; g2: EncodedFloats }
  | { name: 'ftrl'; alpha: number; beta: number; z: EncodedFloats; n: EncodedFloats };

export interface Optimizer {
  readonly name: OptimizerName;
  beginStep(): void;
  update(w: Float64Array, i: number, g: number, l1: number, l2: number): void;
  toJSON(): OptimizerState;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !numberIsFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Soft-thresholding, the proximal map of τ|w| (Duchi & Singer 2009, FOBOS): exact zeros for L1. */
function shrink(w: number, tau: number): number {
  if (w > tau) return w - tau;
  if (w < -tau) return w + tau;
  return 0;
}

/** Plain SGD: w_i ← w_i − η_t (g_i + λ2 w_i), then the L1 proximal step with threshold η_t λ1. */
export class Sgd implements Optimizer {
  readonly name = 'sgd';
  private eta = 0;

  constructor(
    readonly learningRate: number,
    readonly schedule: 'constant' | 'invscaling',
    readonly powerT: number,
    private steps = 0,
  ) {
    positive('learningRate', learningRate);
    if (schedule !== 'constant' && schedule !== 'invscaling') throw new RangeError(`unknown schedule ${String(schedule)}`);
    if (!(powerT >= 0)) throw new RangeError(`powerT must be ≥ 0, got ${powerT}`);
  }

  beginStep(): void {
    this.steps++;
    // Inverse scaling as in scikit-learn's SGD (eta0 / t^power_t); one pow per step, not per coordinate.
    this.eta = this.schedule === 'constant' ? this.learningRate : this.learningRate / pow(this.steps, this.powerT);
  }

  update(w: Float64Array, i: number, g: number, l1: number, l2: number): void {
    const next = w[i]! - this.eta * (g + l2 * w[i]!);
    w[i] = l1 > 0 ? shrink(next, this.eta * l1) : next;
  }

  toJSON(): OptimizerState {
    const { learningRate, schedule, powerT, steps } = this;
    return { name: 'sgd', learningRate, schedule, powerT, steps };
  }
}

/**
 * Diagonal AdaGrad (Duchi, Hazan & Singer 2011): G_i += g̃_i², w_i ← w_i − η g̃_i / (√G_i + ε) with
 * g̃_i = g_i + λ2 w_i, then L1 as their composite (proximal) step with threshold η λ1 / (√G_i + ε).
 */
export class Adagrad implements Optimizer {
  readonly name = 'adagrad';

  constructor(
    readonly learningRate: number,
    readonly epsilon: number,
    readonly g2: Float64Array,
  ) {
    positive('learningRate', learningRate);
    positive('epsilon', epsilon);
  }

  beginStep(): void {}

  update(w: Float64Array, i: number, g: number, l1: number, l2: number): void {
    const grad = g + l2 * w[i]!;
    const sum = this.g2[i]! + grad * grad;
    this.g2[i] = sum;
    const rate = this.learningRate / (sqrt(sum) + this.epsilon);
    const next = w[i]! - rate * grad;
    w[i] = l1 > 0 ? shrink(next, rate * l1) : next;
  }

  toJSON(): OptimizerState {
    return { name: 'adagrad', learningRate: this.learningRate, epsilon: this.epsilon, g2: encodeFloats(this.g2) };
  }
}

/**
 * FTRL-Proximal, McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches" (KDD),
 * Algorithm 1, per coordinate i with g_i the loss gradient:
 *   σ_i = (√(n_i + g_i²) − √n_i) / α
 *   z_i ← z_i + g_i − σ_i w_i
 *   n_i ← n_i + g_i²
 *   w_i = 0                                                  if |z_i| ≤ λ1
 *   w_i = −(z_i − sgn(z_i) λ1) / ((β + √n_i) / α + λ2)       otherwise
 * The paper computes w_i from (z_i, n_i) lazily before predicting; here it is recomputed right after
 * z_i and n_i change, which gives the same w at every prediction and keeps predict a dot product.
 */
export class Ftrl implements Optimizer {
  readonly name = 'ftrl';
  private readonly invAlpha: number;

  constructor(
    readonly alpha: number,
    readonly beta: number,
    readonly z: Float64Array,
    readonly n: Float64Array,
  ) {
    positive('alpha', alpha);
    if (!(beta >= 0)) throw new RangeError(`beta must be ≥ 0, got ${beta}`);
    this.invAlpha = 1 / alpha;
  }

  beginStep(): void {}

  update(w: Float64Array, i: number, g: number, l1: number, l2: number): void {
    const nOld = this.n[i]!;
    const nNew = nOld + g * g;
    const sqrtNew = sqrt(nNew);
    const z = this.z[i]! + g - (sqrtNew - sqrt(nOld)) * this.invAlpha * w[i]!;
    this.z[i] = z;
    this.n[i] = nNew;
    // −(z − sgn(z)λ1) / ((β + √n)/α + λ2), multiplied through by α: one division instead of two.
    if (z > l1) w[i] = (this.alpha * (l1 - z)) / (this.beta + sqrtNew + this.alpha * l2);
    else if (z < -l1) w[i] = (this.alpha * (-l1 - z)) / (this.beta + sqrtNew + this.alpha * l2);
    else w[i] = 0;
  }

  toJSON(): OptimizerState {
    return { name: 'ftrl', alpha: this.alpha, beta: this.beta, z: encodeFloats(this.z), n: encodeFloats(this.n) };
  }
}

/** A fresh optimizer for `size` coordinates (features + intercept). */
export function createOptimizer(name: OptimizerName, options: OptimizerOptions, size: number): Optimizer {
  switch (name) {
    case 'sgd':
      return new Sgd(options.learningRate ?? 0.01, options.schedule ?? 'constant', options.powerT ?? 0.5);
    case 'adagrad':
      return new Adagrad(options.learningRate ?? 0.1, options.epsilon ?? 1e-8, new F64(size));
    case 'ftrl':
      return new Ftrl(options.alpha ?? 0.1, options.beta ?? 1, new F64(size), new F64(size));
    default:
      throw new RangeError(`unknown optimizer ${String(name)}`);
  }
}

export function optimizerFromJSON(state: OptimizerState, size: number): Optimizer {
  switch (state.name) {
    case 'sgd':
      return new Sgd(state.learningRate, state.schedule, state.powerT, state.steps);
    case 'adagrad':
      return new Adagrad(state.learningRate, state.epsilon, decodeFloats(state.g2, size));
    case 'ftrl':
      return new Ftrl(state.alpha, state.beta, decodeFloats(state.z, size), decodeFloats(state.n, size));
    default:
      throw new RangeError(`unknown optimizer state ${JSON.stringify((state as { name?: unknown }).name)}`);
  }
}
