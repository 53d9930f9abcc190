/**
 * Per-coordinate optimizers for linear models. Once per update (one sample, or one mean-gradient
 * step) the model calls `beginStep()` and then `step(w, grad, indices, count, regularise)`: coordinate
 * `indices[k]` (or k when indices is null) receives the loss gradient grad[k], without
 * regularisation. Each optimizer writes the new w_i into the model's weight array, so prediction is
 * always a plain dot product.
 *
 * Regularisation is "lazy", as in McMahan et al. 2013 where only i with x_i ≠ 0 are visited: a
 * coordinate is updated, and regularised, only in steps where its gradient is non-zero, that is when
 * its feature is present (g_i = (μ − y) x_i). The intercept is stepped with regularise = false.
 *
 * Why the loop lives here, with the rule written inside it, and takes gradients in a typed array: a
 * double passed to or returned from a call that V8 does not inline is boxed in a fresh heap number.
 * `step` receives no doubles and calls nothing per coordinate, so an update allocates nothing
 * whatever V8 decides to inline (checked with --trace-gc: no scavenge in 2M dense updates).
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

/** L1 and L2 strengths (λ1, λ2) applied to regularised coordinates. */
export interface Regularisation {
  l1: number;
  l2: number;
}

export interface Optimizer {
  readonly name: OptimizerName;
  beginStep(): void;
  step(w: Float64Array, grad: Float64Array, indices: Int32Array | null, count: number, regularise: boolean): void;
  toJSON(): OptimizerState;
}

const NONE: Regularisation = { l1: 0, l2: 0 };

function positive(name: string, value: number): number {
  if (!(value > 0) || !numberIsFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
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
    readonly reg: Regularisation = NONE,
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

  step(w: Float64Array, grad: Float64Array, indices: Int32Array | null, count: number, regularise: boolean): void {
    const eta = this.eta;
    const l2 = regularise ? this.reg.l2 : 0;
    const tau = regularise ? eta * this.reg.l1 : 0;
    for (let k = 0; k < count; k++) {
      const g = grad[k]!;
      if (g === 0) continue;
      const i = indices === null ? k : indices[k]!;
      const next = w[i]! - eta * (g + l2 * w[i]!);
      // Soft-thresholding, the proximal map of τ|w| (Duchi & Singer 2009, FOBOS): exact zeros for L1.
      w[i] = next > tau ? next - tau : next < -tau ? next + tau : 0;
    }
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
    readonly reg: Regularisation = NONE,
  ) {
    positive('learningRate', learningRate);
    positive('epsilon', epsilon);
  }

  beginStep(): void {}

  step(w: Float64Array, grad: Float64Array, indices: Int32Array | null, count: number, regularise: boolean): void {
    const l1 = regularise ? this.reg.l1 : 0;
    const l2 = regularise ? this.reg.l2 : 0;
    for (let k = 0; k < count; k++) {
      if (grad[k] === 0) continue;
      const i = indices === null ? k : indices[k]!;
      const g = grad[k]! + l2 * w[i]!;
      const sum = this.g2[i]! + g * g;
      this.g2[i] = sum;
      const rate = this.learningRate / (sqrt(sum) + this.epsilon);
      const next = w[i]! - rate * g;
      const tau = rate * l1;
      w[i] = next > tau ? next - tau : next < -tau ? next + tau : 0;
    }
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
    readonly reg: Regularisation = NONE,
  ) {
    positive('alpha', alpha);
    if (!(beta >= 0)) throw new RangeError(`beta must be ≥ 0, got ${beta}`);
    this.invAlpha = 1 / alpha;
  }

  beginStep(): void {}

  step(w: Float64Array, grad: Float64Array, indices: Int32Array | null, count: number, regularise: boolean): void {
    const { alpha, beta, invAlpha } = this;
    const l1 = regularise ? this.reg.l1 : 0;
    // (β + √n)/α + λ2 multiplied through by α, so that w costs one division instead of two.
    const betaL2 = beta + alpha * (regularise ? this.reg.l2 : 0);
    for (let k = 0; k < count; k++) {
      const g = grad[k]!;
      if (g === 0) continue;
      const i = indices === null ? k : indices[k]!;
      const nOld = this.n[i]!;
      const nNew = nOld + g * g;
      const sqrtNew = sqrt(nNew);
      const z = this.z[i]! + g - (sqrtNew - sqrt(nOld)) * invAlpha * w[i]!;
      this.z[i] = z;
      this.n[i] = nNew;
      w[i] = z > l1 ? (alpha * (l1 - z)) / (betaL2 + sqrtNew) : z < -l1 ? (alpha * (-l1 - z)) / (betaL2 + sqrtNew) : 0;
    }
  }

  toJSON(): OptimizerState {
    return { name: 'ftrl', alpha: this.alpha, beta: this.beta, z: encodeFloats(this.z), n: encodeFloats(this.n) };
  }
}

/** A fresh optimizer for `size` coordinates (features + intercept). */
export function createOptimizer(name: OptimizerName, options: OptimizerOptions, size: number, reg: Regularisation = NONE): Optimizer {
  switch (name) {
    case 'sgd':
      return new Sgd(options.learningRate ?? 0.01, options.schedule ?? 'constant', options.powerT ?? 0.5, 0, reg);
    case 'adagrad':
      return new Adagrad(options.learningRate ?? 0.1, options.epsilon ?? 1e-8, new F64(size), reg);
    case 'ftrl':
      return new Ftrl(options.alpha ?? 0.1, options.beta ?? 1, new F64(size), new F64(size), reg);
    default:
      throw new RangeError(`unknown optimizer ${String(name)}`);
  }
}

export function optimizerFromJSON(state: OptimizerState, size: number, reg: Regularisation = NONE): Optimizer {
  switch (state.name) {
    case 'sgd':
      return new Sgd(state.learningRate, state.schedule, state.powerT, state.steps, reg);
    case 'adagrad':
      return new Adagrad(state.learningRate, state.epsilon, decodeFloats(state.g2, size), reg);
    case 'ftrl':
      return new Ftrl(state.alpha, state.beta, decodeFloats(state.z, size), decodeFloats(state.n, size), reg);
    default:
      throw new RangeError(`unknown optimizer state ${JSON.stringify((state as { name?: unknown }).name)}`);
  }
}
