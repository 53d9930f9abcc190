/**
 * Seeded synthetic streams (all randomness from one `Rng(seed)`, see prng.ts), each yielding fresh
 * Float64Array inputs so that samples can be kept (delayed labels, buffers), with the Bayes-optimal
 * prediction for each sample in `optimal`.
 *
 * - logisticStream: x ~ N(0, I_d), y ~ Bernoulli(σ(w·x + b)) with known w, b. The Bayes-optimal
 *   classifier predicts 1 iff w·x + b ≥ 0 and is right with probability max(p, 1 − p), so its
 *   accuracy is E[max(σ(s), 1 − σ(s))] = E[σ(|s|)] with s = w·x + b ~ N(b, ‖w‖²).
 * - seaStream: SEA concepts (Street & Kim 2001, "A streaming ensemble algorithm (SEA) for large-scale
 *   classification", KDD): x uniform on [0, 10]³, y = 1 iff x₁ + x₂ ≤ θ, θ cycling through
 *   8, 9, 7, 9.5 (abrupt drift every `driftEvery` samples), each label flipped with probability
 *   `noise` (the paper used 10%). Bayes-optimal accuracy: 1 − noise.
 * - hyperplaneStream: rotating hyperplane (Hulten, Spencer & Domingos 2001, "Mining time-changing
 *   data streams", KDD; parameters as MOA's HyperplaneGenerator): x uniform on [0, 1]^d,
 *   y = 1 iff Σ wᵢxᵢ ≥ ½ Σ wᵢ, labels flipped with probability `noise`; after every sample the first
 *   `driftFeatures` weights move by ±magChange and reverse direction with probability `sigma`.
 *   Bayes-optimal accuracy: 1 − noise (the current hyperplane is the optimal rule).
 * - bandStream: a k-class SEA-like concept, for multiclass learners: x uniform on [0, 10]³, the class
 *   the number of `bounds` below x₁ + x₂ (default [7, 13]: three classes), replaced by one of the
 *   other classes (uniformly) with probability `noise`. Bayes-optimal accuracy: 1 − noise.
 */
import { abs, exp, F64, floor, min, PI, sqrt } from './globals.js';
import { sigmoid } from './linear-model.js';
import { Rng } from './prng.js';
import type { Sample } from './progressive.js';

/** A generated sample with the Bayes-optimal prediction for it, to measure the optimum on the same data. */
export interface SyntheticSample extends Sample<Float64Array> {
  /** The class the Bayes-optimal rule predicts (the noise-free label; for logistic data, s ≥ 0). */
  readonly optimal: number;
}

export interface LogisticStreamOptions {
  weights: ArrayLike<number>;
  intercept?: number;
  seed: number;
  /** Number of samples; default unbounded. */
  count?: number;
}

export function* logisticStream(o: LogisticStreamOptions): Generator<SyntheticSample> {
  const rng = new Rng(o.seed);
  const d = o.weights.length;
  const b = o.intercept ?? 0;
  const count = o.count ?? Infinity;
  for (let t = 0; t < count; t++) {
    const x = new F64(d);
    let s = b;
    for (let i = 0; i < d; i++) {
      x[i] = rng.normal();
      s += o.weights[i]! * x[i]!;
    }
    yield { x, y: rng.bernoulli(sigmoid(s)), optimal: s >= 0 ? 1 : 0 };
  }
}

/** Composite Simpson's rule with n (even) intervals. */
function simpson(f: (s: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let acc = f(a) + f(b);
  for (let k = 1; k < n; k++) acc += (k % 2 === 1 ? 4 : 2) * f(a + k * h);
  return (acc * h) / 3;
}

/**
 * E[σ(|s|)] for s ~ N(b, ‖w‖²): the Bayes-optimal accuracy of logisticStream. Simpson's rule over
 * b ± 12 sd, split at s = 0 where |s| has its kink so both pieces are smooth (error far below 1e-9;
 * the test checks it against scipy.integrate.quad).
 */
export function logisticBayesAccuracy(weights: ArrayLike<number>, intercept = 0): number {
  let sq = 0;
  for (let i = 0; i < weights.length; i++) sq += weights[i]! * weights[i]!;
  const sd = sqrt(sq);
  if (sd === 0) return sigmoid(abs(intercept));
  const density = (s: number): number => exp(-0.5 * ((s - intercept) / sd) ** 2) / (sd * sqrt(2 * PI));
  const f = (s: number): number => sigmoid(abs(s)) * density(s);
  const lo = intercept - 12 * sd;
  const hi = intercept + 12 * sd;
  if (lo >= 0 || hi <= 0) return simpson(f, lo, hi, 4000);
  return simpson(f, lo, 0, 2000) + simpson(f, 0, hi, 2000);
}

export interface SeaStreamOptions {
  seed: number;
  count?: number;
  /** Probability of flipping a label. Default 0.1. */
  noise?: number;
  /** Concept thresholds in order. Default [8, 9, 7, 9.5]. */
  thresholds?: readonly number[];
  /** Samples per concept. Default 25 000. */
  driftEvery?: number;
}

export function* seaStream(o: SeaStreamOptions): Generator<SyntheticSample> {
  const rng = new Rng(o.seed);
  const thresholds = o.thresholds ?? [8, 9, 7, 9.5];
  const driftEvery = o.driftEvery ?? 25_000;
  const noise = o.noise ?? 0.1;
  const count = o.count ?? Infinity;
  for (let t = 0; t < count; t++) {
    const theta = thresholds[floor(t / driftEvery) % thresholds.length]!;
    const x = F64.of(rng.between(0, 10), rng.between(0, 10), rng.between(0, 10));
    const clean = x[0]! + x[1]! <= theta ? 1 : 0;
    yield { x, y: rng.uniform() < noise ? 1 - clean : clean, optimal: clean };
  }
}

export interface HyperplaneStreamOptions {
  seed: number;
  count?: number;
  /** Default 10. */
  features?: number;
  /** How many of the first weights drift. Default 2. */
  driftFeatures?: number;
  /** Weight change per sample. Default 0 (no drift). */
  magChange?: number;
  /** Probability of reversing a drifting weight's direction after each sample. Default 0.1. */
  sigma?: number;
  /** Probability of flipping a label. Default 0.05. */
  noise?: number;
}

export function* hyperplaneStream(o: HyperplaneStreamOptions): Generator<SyntheticSample> {
  const rng = new Rng(o.seed);
  const d = o.features ?? 10;
  const drifting = min(o.driftFeatures ?? 2, d);
  const mag = o.magChange ?? 0;
  const sigma = o.sigma ?? 0.1;
  const noise = o.noise ?? 0.05;
  const count = o.count ?? Infinity;
  const w = F64.from({ length: d }, () => rng.uniform());
  const direction = new F64(d).fill(1);
  for (let t = 0; t < count; t++) {
    const x = new F64(d);
    let s = 0;
    let total = 0;
    for (let i = 0; i < d; i++) {
      x[i] = rng.uniform();
      s += w[i]! * x[i]!;
      total += w[i]!;
    }
    const clean = s >= 0.5 * total ? 1 : 0;
    yield { x, y: rng.uniform() < noise ? 1 - clean : clean, optimal: clean };
    for (let i = 0; i < drifting; i++) {
      w[i]! += direction[i]! * mag;
      if (rng.uniform() < sigma) direction[i] = -direction[i]!;
    }
  }
}

export interface BandStreamOptions {
  seed: number;
  count?: number;
  /** Increasing bounds on x₁ + x₂ between the classes; k − 1 of them for k classes. Default [7, 13]. */
  bounds?: readonly number[];
  /** Probability of replacing a label by another class. Default 0.1. */
  noise?: number;
}

export function* bandStream(o: BandStreamOptions): Generator<SyntheticSample> {
  const rng = new Rng(o.seed);
  const bounds = o.bounds ?? [7, 13];
  const classes = bounds.length + 1;
  const noise = o.noise ?? 0.1;
  const count = o.count ?? Infinity;
  for (let t = 0; t < count; t++) {
    const x = F64.of(rng.between(0, 10), rng.between(0, 10), rng.between(0, 10));
    let clean = 0;
    while (clean < bounds.length && x[0]! + x[1]! > bounds[clean]!) clean++;
    // Another class, each of the k − 1 equally likely.
    const y = rng.uniform() < noise ? (clean + 1 + floor(rng.uniform() * (classes - 1))) % classes : clean;
    yield { x, y, optimal: clean };
  }
}
