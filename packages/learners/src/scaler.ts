/**
 * Online standardisation z = (x − mean) / sd with running statistics by Welford's algorithm
 * (Welford 1962; Knuth TAOCP vol. 2, §4.2.2):
 *   n ← n + 1;  δ = x − mean;  mean ← mean + δ / n;  M2 ← M2 + δ (x − mean)
 * and the population variance M2 / n (ddof = 0, as numpy.var and scikit-learn's StandardScaler).
 * Unlike the sum-of-squares formula it does not cancel catastrophically when |mean| ≫ sd.
 *
 * Dense inputs keep one count and per-position statistics. Records keep statistics per feature name,
 * updated only when the feature is present with a finite number (absent features are not zeros);
 * strings and booleans pass through. A zero sd (constant or unseen feature) transforms to 0, as River.
 */
import { F64, numberIsFinite, sqrt } from './globals.js';
import { decodeFloats, decodeNumber, encodeFloats, encodeNumber, type EncodedFloats, type EncodedNumber } from './float-codec.js';
import type { FeatureRecord, FeatureValue } from './hash.js';

export interface ScalerState {
  readonly dense: { n: number; mean: EncodedFloats; m2: EncodedFloats } | null;
  readonly named: { names: string[]; n: number[]; mean: EncodedNumber[]; m2: EncodedNumber[] };
}

/** Per-name statistics: [n, mean, M2]. */
type Stats = [number, number, number];

function standardise(x: number, n: number, mean: number, m2: number): number {
  const sd = n > 0 ? sqrt(m2 / n) : 0;
  return sd > 0 ? (x - mean) / sd : 0;
}

export class OnlineStandardScaler {
  private n = 0;
  private meanDense: Float64Array | null = null;
  private m2Dense: Float64Array | null = null;
  private readonly named = new Map<string, Stats>();

  learnOne(x: Float64Array | FeatureRecord): void {
    if (x instanceof F64) {
      this.learnDense(x);
      return;
    }
    for (const name in x) {
      const v = x[name];
      if (typeof v !== 'number' || !numberIsFinite(v)) continue;
      let s = this.named.get(name);
      if (s === undefined) this.named.set(name, (s = [0, 0, 0]));
      s[0] += 1;
      const delta = v - s[1];
      s[1] += delta / s[0];
      s[2] += delta * (v - s[1]);
    }
  }

  /** Dense transform into `out` (allocated when not given). */
  transformOne(x: Float64Array, out?: Float64Array): Float64Array;
  /** Record transform: numbers scaled by name, other values copied. */
  transformOne(x: FeatureRecord): Record<string, FeatureValue>;
  transformOne(x: Float64Array | FeatureRecord, out?: Float64Array): Float64Array | Record<string, FeatureValue> {
    if (x instanceof F64) return this.transformDense(x, out ?? new F64(x.length));
    // No prototype: a feature called "__proto__" would otherwise set it rather than be copied.
    const result = Object.create(null) as Record<string, FeatureValue>;
    for (const name in x) {
      const v = x[name];
      result[name] = typeof v === 'number' && numberIsFinite(v) ? this.scale(name, v) : v;
    }
    return result;
  }

  /** Standardises one named value with the current statistics (used while hashing records). */
  scale(name: string, value: number): number {
    const s = this.named.get(name);
    return s === undefined ? 0 : standardise(value, s[0], s[1], s[2]);
  }

  /** Number of values seen at a dense position or for a feature name. */
  count(key: number | string): number {
    return typeof key === 'number' ? (this.meanDense && key < this.meanDense.length ? this.n : 0) : (this.named.get(key)?.[0] ?? 0);
  }

  mean(key: number | string): number {
    return typeof key === 'number' ? (this.meanDense?.[key] ?? 0) : (this.named.get(key)?.[1] ?? 0);
  }

  /** Population variance (ddof = 0); 0 before any value. */
  variance(key: number | string): number {
    if (typeof key === 'number') return this.n > 0 && this.m2Dense ? (this.m2Dense[key] ?? 0) / this.n : 0;
    const s = this.named.get(key);
    return s && s[0] > 0 ? s[2] / s[0] : 0;
  }

  /** The sd a transform divides by (√variance, as `standardise` computes it); 0 transforms to 0. */
  sd(key: number | string): number {
    return sqrt(this.variance(key));
  }

  /** Dense transform writing into `out`; allocates nothing. */
  transformDense(x: Float64Array, out: Float64Array): Float64Array {
    const mean = this.meanDense;
    const m2 = this.m2Dense;
    if (mean === null || m2 === null) return out.fill(0, 0, x.length);
    for (let i = 0; i < x.length; i++) out[i] = standardise(x[i]!, this.n, mean[i]!, m2[i]!);
    return out;
  }

  private learnDense(x: Float64Array): void {
    if (this.meanDense === null) {
      this.meanDense = new F64(x.length);
      this.m2Dense = new F64(x.length);
    } else if (this.meanDense.length !== x.length) {
      throw new RangeError(`scaler was fitted on ${this.meanDense.length} features, got ${x.length}`);
    }
    const mean = this.meanDense;
    const m2 = this.m2Dense!;
    const n = ++this.n;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      const delta = xi - mean[i]!;
      mean[i]! += delta / n;
      m2[i]! += delta * (xi - mean[i]!);
    }
  }

  toJSON(): ScalerState {
    const names = [...this.named.keys()];
    const stats = [...this.named.values()];
    return {
      dense: this.meanDense && { n: this.n, mean: encodeFloats(this.meanDense), m2: encodeFloats(this.m2Dense!) },
      named: {
        names,
        n: stats.map((s) => s[0]),
        mean: stats.map((s) => encodeNumber(s[1])),
        m2: stats.map((s) => encodeNumber(s[2])),
      },
    };
  }

  static fromJSON(state: ScalerState): OnlineStandardScaler {
    const scaler = new OnlineStandardScaler();
    if (state.dense) {
      scaler.n = state.dense.n;
      scaler.meanDense = decodeFloats(state.dense.mean);
      scaler.m2Dense = decodeFloats(state.dense.m2, scaler.meanDense.length);
    }
    const { names, n, mean, m2 } = state.named;
    names.forEach((name, k) => scaler.named.set(name, [n[k]!, decodeNumber(mean[k]!), decodeNumber(m2[k]!)]));
    return scaler;
  }
}
