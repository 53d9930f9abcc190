/**
 * Per-leaf, per-attribute class statistics of a Hoeffding tree, from which split candidates are
 * scored and the naive Bayes leaf predicts.
 *
 * Numeric attributes: MOA's GaussianNumericAttributeClassObserver (also River's default splitter for
 * HoeffdingTreeClassifier): per class, the weight, a running mean and variance (Welford 1962, weighted
 * form as MOA's GaussianEstimator) and the smallest and largest value seen. Candidate thresholds are
 * `bins` equally spaced points strictly inside [min, max] over all classes (MOA's numBins, default 10);
 * at threshold t, a class whose values all lie on one side goes there whole, any other sends
 * w·Φ((t − μ)/σ) to the left branch (x ≤ t) and the rest to the right. (MOA computes the left share
 * as (Φ·w − pdf·w) + pdf·w, "less than" plus "equal to", which is the same number.)
 * Nominal attributes: weighted counts per value and class (MOA's NominalAttributeClassObserver), one
 * branch per value seen (multiway split); naive Bayes uses Laplace-smoothed frequencies.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { decodeFloats, encodeFloats, type EncodedFloats } from '../float-codec.js';
import { F64, log, PI, sqrt } from '../globals.js';
import { informationGain } from './split-criterion.js';

const HALF_LOG_2PI = 0.5 * log(2 * PI);

/** The best split an observer found: its merit, and the class counts each branch would receive. */
export interface SplitCandidate {
  merit: number;
  branches: Float64Array[];
  /** Numeric: the threshold (x ≤ t goes left); nominal: the value code of each branch. */
  threshold: number;
  codes: number[];
}

export interface GaussianObserverState {
  kind: 'numeric';
  weight: EncodedFloats;
  mean: EncodedFloats;
  m2: EncodedFloats;
  lo: EncodedFloats;
  hi: EncodedFloats;
}

export interface NominalObserverState {
  kind: 'nominal';
  codes: number[];
  counts: EncodedFloats[];
}

export type ObserverState = GaussianObserverState | NominalObserverState;

export class GaussianObserver {
  readonly kind = 'numeric';
  readonly weight: Float64Array;
  readonly mean: Float64Array;
  /** Σ w (x − mean_old)(x − mean_new): the weighted sum of squared deviations. */
  readonly m2: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;

  constructor(classes: number) {
    this.weight = new F64(classes);
    this.mean = new F64(classes);
    this.m2 = new F64(classes);
    this.lo = new F64(classes).fill(Infinity);
    this.hi = new F64(classes).fill(-Infinity);
  }

  update(x: number, c: number, w: number): void {
    const n = this.weight[c]! + w;
    const old = this.mean[c]!;
    const mean = old + (w * (x - old)) / n;
    this.m2[c]! += w * (x - old) * (x - mean);
    this.mean[c] = mean;
    this.weight[c] = n;
    if (x < this.lo[c]!) this.lo[c] = x;
    if (x > this.hi[c]!) this.hi[c] = x;
  }

  /** Sample standard deviation (weight − 1 in the denominator, as MOA), 0 below a weight of 2. */
  sd(c: number): number {
    const n = this.weight[c]!;
    return n > 1 ? sqrt(this.m2[c]! / (n - 1)) : 0;
  }

  /**
   * ln p(x | c) under the class's normal approximation; with σ = 0 the density is MOA's 1 at the mean
   * and 0 elsewhere; −∞ for a class never seen here.
   */
  logDensity(x: number, c: number): number {
    if (!(this.weight[c]! > 0)) return -Infinity;
    const sd = this.sd(c);
    const mean = this.mean[c]!;
    if (sd > 0) {
      const z = (x - mean) / sd;
      return -0.5 * z * z - log(sd) - HALF_LOG_2PI;
    }
    return x === mean ? 0 : -Infinity;
  }

  /** The class counts left (x ≤ t) and right of threshold t, into `left` and `right`. */
  splitAt(t: number, left: Float64Array, right: Float64Array): void {
    for (let c = 0; c < this.weight.length; c++) {
      const w = this.weight[c]!;
      left[c] = 0;
      right[c] = 0;
      if (!(w > 0)) continue;
      if (t < this.lo[c]!) right[c] = w;
      else if (t >= this.hi[c]!) left[c] = w;
      else {
        const sd = this.sd(c);
        const l = sd > 0 ? w * normalCdf(t, this.mean[c]!, sd) : t < this.mean[c]! ? 0 : w;
        left[c] = l;
        right[c] = w - l;
      }
    }
  }

  bestSplit(pre: Float64Array, bins: number, minBranchFraction: number): SplitCandidate | null {
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < this.weight.length; c++) {
      if (this.lo[c]! < lo) lo = this.lo[c]!;
      if (this.hi[c]! > hi) hi = this.hi[c]!;
    }
    if (!(lo < hi)) return null;
    let best: SplitCandidate | null = null;
    const k = this.weight.length;
    for (let i = 0; i < bins; i++) {
      const t = ((hi - lo) / (bins + 1)) * (i + 1) + lo;
      if (!(t > lo && t < hi)) continue;
      const left = new F64(k);
      const right = new F64(k);
      this.splitAt(t, left, right);
      const merit = informationGain(pre, [left, right], minBranchFraction);
      if (merit > (best?.merit ?? -Infinity)) best = { merit, branches: [left, right], threshold: t, codes: [] };
    }
    return best;
  }

  toJSON(): GaussianObserverState {
    const { weight, mean, m2, lo, hi } = this;
    return {
      kind: 'numeric',
      weight: encodeFloats(weight),
      mean: encodeFloats(mean),
      m2: encodeFloats(m2),
      lo: encodeFloats(lo),
      hi: encodeFloats(hi),
    };
  }

  static fromJSON(s: GaussianObserverState, classes: number): GaussianObserver {
    const o = new GaussianObserver(classes);
    o.weight.set(decodeFloats(s.weight, classes));
    o.mean.set(decodeFloats(s.mean, classes));
    o.m2.set(decodeFloats(s.m2, classes));
    o.lo.set(decodeFloats(s.lo, classes));
    o.hi.set(decodeFloats(s.hi, classes));
    return o;
  }
}

export class NominalObserver {
  readonly kind = 'nominal';
  /** Value codes in the order first seen, and their class counts. */
  readonly codes: number[] = [];
  readonly counts: Float64Array[] = [];
  private readonly index = new Map<number, number>();
  /** Weight per class over all values (Σ of counts). */
  private readonly totals: Float64Array;

  constructor(readonly classes: number) {
    this.totals = new F64(classes);
  }

  update(code: number, c: number, w: number): void {
    let i = this.index.get(code);
    if (i === undefined) {
      i = this.codes.length;
      this.index.set(code, i);
      this.codes.push(code);
      this.counts.push(new F64(this.classes));
    }
    this.counts[i]![c]! += w;
    this.totals[c]! += w;
  }

  /** ln of MOA's Laplace-smoothed P(value | c) = (n_vc + 1) / (n_c + values seen); −∞ for an unseen class. */
  logDensity(code: number, c: number): number {
    const n = this.totals[c]!;
    if (!(n > 0)) return -Infinity;
    const i = this.index.get(code);
    const nvc = i === undefined ? 0 : this.counts[i]![c]!;
    return log((nvc + 1) / (n + this.codes.length));
  }

  bestSplit(pre: Float64Array, _bins: number, minBranchFraction: number): SplitCandidate | null {
    if (this.codes.length < 2) return null;
    const branches = this.counts.map((b) => b.slice());
    return { merit: informationGain(pre, branches, minBranchFraction), branches, threshold: NaN, codes: [...this.codes] };
  }

  toJSON(): NominalObserverState {
    return { kind: 'nominal', codes: [...this.codes], counts: this.counts.map((b) => encodeFloats(b)) };
  }

  static fromJSON(s: NominalObserverState, classes: number): NominalObserver {
    const o = new NominalObserver(classes);
    if (s.codes.length !== s.counts.length) throw new TypeError('nominal observer: codes and counts differ in length');
    s.codes.forEach((code, i) => {
      const counts = decodeFloats(s.counts[i]!, classes);
      for (let c = 0; c < classes; c++) if (counts[c] !== 0) o.update(code, c, counts[c]!);
      if (!o.index.has(code)) o.update(code, 0, 0);
    });
    return o;
  }
}

export type Observer = GaussianObserver | NominalObserver;

export function observerFromJSON(s: ObserverState, classes: number): Observer {
  if (s.kind === 'numeric') return GaussianObserver.fromJSON(s, classes);
  if (s.kind === 'nominal') return NominalObserver.fromJSON(s, classes);
  throw new TypeError(`unknown observer kind ${JSON.stringify((s as { kind?: unknown }).kind)}`);
}
