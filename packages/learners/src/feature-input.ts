/**
 * One learner input made ready for a dot product: a dense vector checked for its length and
 * optionally standardised, or a record hashed into sparse (index, value) buffers. The order is
 * River's pipeline order, as the linear models use it: the scaler learns the sample, then
 * transforms it, then the model learns. Scratch buffers are made once, so loading allocates nothing.
 */
import { F64, numberIsFinite } from './globals.js';
import { FeatureHasher, type FeatureRecord } from './hash.js';
import { OnlineStandardScaler } from './scaler.js';

export class FeatureInput {
  /** The dense input of the last `load`, or null when it sits in `hasher`'s buffers. */
  current: Float64Array | null = null;
  private hasherCache: FeatureHasher | null = null;
  private readonly scaled: Float64Array;
  private readonly scaleByName = (name: string, v: number): number => this.scaler!.scale(name, v);

  constructor(
    readonly dim: number,
    readonly hashSeed: number,
    public scaler: OnlineStandardScaler | null,
  ) {
    this.scaled = new F64(scaler !== null ? dim : 0);
  }

  get hasher(): FeatureHasher {
    return (this.hasherCache ??= new FeatureHasher(this.dim, this.hashSeed));
  }

  load(x: Float64Array | FeatureRecord, learn: boolean): void {
    if (x instanceof F64) {
      if (x.length !== this.dim) throw new RangeError(`expected ${this.dim} features, got ${x.length}`);
      let input = x;
      if (this.scaler !== null) {
        // The scaler must not learn a value that would poison its statistics.
        if (learn) for (let i = 0; i < x.length; i++) if (!numberIsFinite(x[i]!)) throw new RangeError(`feature ${i} is not finite`);
        if (learn) this.scaler.learnOne(x);
        input = this.scaler.transformDense(x, this.scaled);
      }
      this.current = input;
      return;
    }
    if (learn && this.scaler !== null) this.scaler.learnOne(x);
    this.hasher.hash(x, this.scaler !== null ? this.scaleByName : undefined);
    this.current = null;
  }

  /** w[offset..offset+dim) · the loaded input (the intercept is the caller's). */
  dot(w: Float64Array, offset = 0): number {
    let s = 0;
    const dense = this.current;
    if (dense !== null) {
      for (let i = 0; i < dense.length; i++) s += w[offset + i]! * dense[i]!;
      return s;
    }
    const h = this.hasher;
    for (let k = 0; k < h.size; k++) s += w[offset + h.indices[k]!]! * h.values[k]!;
    return s;
  }
}
