// KLL quantile sketch (Karnin, Lang & Liberty, "Optimal Quantile Approximation in Streams",
// FOCS 2016, arXiv:1603.05346), in the lazy form of Ivkin, Liberty, Lang, Karnin & Braverman,
// "Streaming Quantiles Algorithms with Small Space and Update Time" (2019, arXiv:1907.00236).
//
// Level h holds items of weight 2^h. Level capacities shrink geometrically downwards from the top,
// cap(h) = max(8, ⌈k·(2/3)^(H−1−h)⌉) with H levels, so the sketch keeps at most about 3k + 8H
// items whatever the stream length. When the whole sketch is over its total capacity, the lowest
// level over its own capacity is compacted: sorted, and every other item (odd or even positions by
// a fair coin) promoted with double weight; an odd item out stays. A compaction keeps the total
// weight (= n) exactly and moves the rank of any point by at most the weight of one item, with a
// random sign, which is why the errors sum like a random walk rather than adding up.
//
// Bound (KLL 2016, Theorem 3): the rank of any point is off by at most ε·n with probability
// 1 − δ for k = O((1/ε)·√log(1/δ)). The empirical constant of the Apache DataSketches KLL (same
// compactor, c = 2/3) is ε ≈ 2.296 / k^0.9723 for single ranks at 99 % confidence; with the default
// k = 2048 that is 0.14 %, and the uniform (all points at once) error measured in
// test/kll.spec.ts on 1M-value streams stays below 0.3 %. The two-sample statistics in
// `sketch-drift.ts` inherit it (see there). Memory: ≤ 3k + 8H doubles (≈ 49 KB at k = 2048).
//
// Alternatives compared before writing this (npm, offline list): `tdigest` (JavaScript t-digest,
// last release 0.1.3, untyped, no merge of serialised digests, no rank guarantee — its error is
// small in the tails and unbounded in theory in the middle) and `@datadog/sketches-js` (DDSketch:
// maintained, mergeable, but its guarantee is a *relative value* error; a KS statistic needs a
// *rank* error bound, and DDSketch's rank error depends on the data's scale and offset: values
// 1000 + N(0, 1) at 1 % relative accuracy fall in buckets of width ≈ 20, i.e. all in one). KLL gives
// the rank guarantee that KS and PSI need.

const CAPACITY_RATIO = 2 / 3;
const MIN_LEVEL_CAPACITY = 8;
export const KLL_DEFAULT_K = 2048;
const FORMAT_VERSION = 1;
const HEADER_BYTES = 48;

export function levelCapacity(k: number, levels: number, h: number): number {
  return Math.max(MIN_LEVEL_CAPACITY, Math.ceil(k * CAPACITY_RATIO ** (levels - 1 - h)));
}

/** Mergeable quantile sketch of a stream of finite numbers (NaN is refused). */
export class KllSketch {
  readonly k: number;
  /** Count, exact min/max and exact sums: moments need no approximation. */
  n = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  sumSq = 0;
  private levels: number[][] = [[]];
  private retained = 0;
  private capacity: number;
  // xorshift32 state for the compaction coins: seeded, so runs are reproducible.
  private rng: number;

  constructor(k = KLL_DEFAULT_K, seed = 0x9e3779b9) {
    if (!Number.isInteger(k) || k < 8 || k > 65535) throw new RangeError('k must be an integer in [8, 65535]');
    this.k = k;
    this.rng = seed >>> 0 || 1;
    this.capacity = this.totalCapacity();
  }

  get levelCount(): number {
    return this.levels.length;
  }

  get retainedItems(): number {
    return this.retained;
  }

  update(x: number): void {
    if (Number.isNaN(x)) throw new RangeError('a sketch takes numbers, not NaN');
    this.n++;
    this.sum += x;
    this.sumSq += x * x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.levels[0]!.push(x);
    if (++this.retained > this.capacity) this.compress();
  }

  updateAll(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isNaN(v)) this.update(v);
    }
    return this;
  }

  /** Adds `other` into this sketch (other is not changed). Merging is associative within the bound. */
  merge(other: KllSketch): this {
    if (other.n === 0) return this;
    this.n += other.n;
    this.sum += other.sum;
    this.sumSq += other.sumSq;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    for (let h = 0; h < other.levels.length; h++) {
      if (h >= this.levels.length) this.levels.push([]);
      const target = this.levels[h]!;
      for (const v of other.levels[h]!) target.push(v);
      this.retained += other.levels[h]!.length;
    }
    this.capacity = this.totalCapacity();
    while (this.retained > this.capacity) this.compress();
    return this;
  }

  /** The compaction coin's state (stored with a sketch so a merge of stored sketches stays reproducible). */
  get seed(): number {
    return this.rng;
  }

  /** Each level's items, sorted (level h has weight 2^h): the sketch's sealed, compact form. */
  sortedLevels(): Float64Array[] {
    return this.levels.map((level) => new Float64Array(level).sort());
  }

  /** Items with their weights, sorted by value (the sketch's weighted empirical distribution). */
  sortedView(): { values: Float64Array; weights: Float64Array } {
    const values = new Float64Array(this.retained);
    const weights = new Float64Array(this.retained);
    const order = new Uint32Array(this.retained);
    let i = 0;
    for (let h = 0; h < this.levels.length; h++) {
      for (const v of this.levels[h]!) {
        values[i] = v;
        weights[i] = 2 ** h;
        order[i] = i;
        i++;
      }
    }
    order.sort((a, b) => values[a]! - values[b]!);
    return { values: values.map((_, j) => values[order[j]!]!), weights: weights.map((_, j) => weights[order[j]!]!) };
  }

  serialize(): Uint8Array {
    const bytes = new Uint8Array(HEADER_BYTES + 4 * this.levels.length + 8 * this.retained);
    const view = new DataView(bytes.buffer);
    view.setUint8(0, FORMAT_VERSION);
    view.setUint8(1, this.levels.length);
    view.setUint16(2, this.k, true);
    view.setUint32(4, this.rng, true);
    [this.n, this.min, this.max, this.sum, this.sumSq].forEach((v, j) => view.setFloat64(8 + 8 * j, v, true));
    let at = HEADER_BYTES;
    for (const level of this.levels) {
      view.setUint32(at, level.length, true);
      at += 4;
    }
    for (const level of this.levels) {
      for (const v of level) {
        view.setFloat64(at, v, true);
        at += 8;
      }
    }
    return bytes;
  }

  static deserialize(bytes: Uint8Array): KllSketch {
    if (bytes.length < HEADER_BYTES) throw new RangeError('not a KLL sketch: too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint8(0) !== FORMAT_VERSION) throw new RangeError('not a KLL sketch: unknown format version');
    const levelCount = view.getUint8(1);
    const sketch = new KllSketch(view.getUint16(2, true), view.getUint32(4, true));
    [sketch.n, sketch.min, sketch.max, sketch.sum, sketch.sumSq] = [0, 1, 2, 3, 4].map((j) => view.getFloat64(8 + 8 * j, true)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    let at = HEADER_BYTES + 4 * levelCount;
    if (levelCount < 1 || bytes.length < at) throw new RangeError('not a KLL sketch: bad level count');
    const sizes = Array.from({ length: levelCount }, (_, h) => view.getUint32(HEADER_BYTES + 4 * h, true));
    if (bytes.length !== at + 8 * sizes.reduce((s, x) => s + x, 0)) throw new RangeError('not a KLL sketch: bad length');
    sketch.levels = sizes.map((size) => {
      const level = new Array<number>(size);
      for (let i = 0; i < size; i++, at += 8) level[i] = view.getFloat64(at, true);
      return level;
    });
    sketch.retained = sizes.reduce((s, x) => s + x, 0);
    sketch.capacity = sketch.totalCapacity();
    return sketch;
  }

  private totalCapacity(): number {
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += levelCapacity(this.k, this.levels.length, h);
    return total;
  }

  private coin(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng & 1;
  }

  /** Compacts the lowest level at or over its capacity (there is one while over total capacity). */
  private compress(): void {
    const count = this.levels.length;
    for (let h = 0; h < count; h++) {
      const level = this.levels[h]!;
      if (level.length < levelCapacity(this.k, count, h)) continue;
      if (h + 1 === this.levels.length) this.levels.push([]);
      const sorted = Float64Array.from(level).sort();
      // An odd item out stays at this level with its weight, so the total weight stays n.
      const pairs = sorted.length >> 1;
      const keep = sorted.length & 1 ? [sorted[sorted.length - 1]!] : [];
      const offset = this.coin();
      const up = this.levels[h + 1]!;
      for (let i = 0; i < pairs; i++) up.push(sorted[2 * i + offset]!);
      this.levels[h] = keep;
      this.retained -= pairs;
      this.capacity = this.totalCapacity();
      return;
    }
    // Unreachable while retained > capacity (Σ sizes > Σ caps means some level is over its cap).
    throw new Error('KLL compress found no level to compact');
  }
}
