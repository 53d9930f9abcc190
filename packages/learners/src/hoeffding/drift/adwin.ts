/**
 * ADWIN, the adaptive sliding window (Bifet & Gavaldà 2007, "Learning from time-changing data with
 * adaptive windowing", SDM), as MOA's moa.classifiers.core.driftdetection.ADWIN computes it, operation for
 * operation, so that a drift wrapper around it makes the decisions MOA's does on the same inputs.
 *
 * The window is kept as exponential histograms: row i holds up to MAX_BUCKETS buckets of 2^i items
 * (total and variance of each); a row that reaches MAX_BUCKETS + 1 merges its two oldest buckets into
 * the next row. Every `clock` inputs (once the window holds more than 10 items) every split of the
 * window at a bucket boundary, oldest first, is tested: |μ₀ − μ₁| > √(2·m·σ²·dd) + ⅔·dd·m with
 * dd = ln(2·ln(n)/δ), m = 1/(n₀ − 4) + 1/(n₁ − 4) and σ² the window's variance, both sides holding more
 * than 6 items; on a cut the oldest bucket is dropped and the scan starts over.
 *
 * Kept from MOA on purpose: the products n₁·n₂ of bucket sizes and n₁·W of the window update are Java int
 * products there, which wrap past 2^31 once rows reach 2^16 items (windows of a few hundred thousand):
 * Math.imul wraps them the same way.
 */
import { abs, F64, imul, log, sqrt } from '../../globals.js';

const MAX_BUCKETS = 5;
const MIN_WINDOW_FOR_CHECK = 10;
const MIN_SUB_WINDOW = 5;

class BucketRow {
  size = 0;
  readonly totals = new F64(MAX_BUCKETS + 1);
  readonly variances = new F64(MAX_BUCKETS + 1);

  insert(total: number, variance: number): void {
    this.totals[this.size] = total;
    this.variances[this.size] = variance;
    this.size++;
  }

  /** Drops the `count` oldest buckets. */
  removeOldest(count: number): void {
    this.totals.copyWithin(0, count);
    this.variances.copyWithin(0, count);
    this.totals.fill(0, MAX_BUCKETS + 1 - count);
    this.variances.fill(0, MAX_BUCKETS + 1 - count);
    this.size -= count;
  }
}

export class Adwin {
  readonly delta: number;
  private readonly clock: number;
  // rows[0] holds single items; the last row the largest (oldest) buckets.
  private rows: BucketRow[] = [new BucketRow()];
  private time = 0;
  private total = 0;
  private varianceSum = 0;
  private width = 0;
  /** Inputs after which the window was cut. */
  detections = 0;

  constructor(delta = 0.002, clock = 32) {
    if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
    if (!Number.isInteger(clock) || clock < 1) throw new RangeError(`clock must be a positive integer, got ${clock}`);
    this.delta = delta;
    this.clock = clock;
  }

  get windowWidth(): number {
    return this.width;
  }

  /** Mean of the window (NaN while it is empty, as in MOA). */
  get estimation(): number {
    return this.total / this.width;
  }

  get variance(): number {
    return this.varianceSum / this.width;
  }

  /** Adds a value; true when the window was cut (a change in its mean). */
  update(value: number): boolean {
    this.time++;
    this.insert(value);
    let cut = false;
    if (this.time % this.clock === 0 && this.width > MIN_WINDOW_FOR_CHECK) {
      while (this.cutOnce()) cut = true;
    }
    if (cut) this.detections++;
    return cut;
  }

  private insert(value: number): void {
    this.width++;
    this.rows[0]!.insert(value, 0);
    if (this.width > 1) {
      const w = this.width;
      const d = value - this.total / (w - 1);
      this.varianceSum += ((w - 1) * d * d) / w;
    }
    this.total += value;
    this.compress();
  }

  private compress(): void {
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      if (row.size !== MAX_BUCKETS + 1) return;
      if (i + 1 === this.rows.length) this.rows.push(new BucketRow());
      const next = this.rows[i + 1]!;
      const n = 2 ** i;
      const d = row.totals[0]! / n - row.totals[1]! / n;
      next.insert(row.totals[0]! + row.totals[1]!, row.variances[0]! + row.variances[1]! + (imul(n, n) * d * d) / (n + n));
      row.removeOldest(2);
      if (next.size <= MAX_BUCKETS) return;
    }
  }

  /** Scans the splits from the oldest bucket; drops the oldest bucket at the first cut. */
  private cutOnce(): boolean {
    let n0 = 0;
    let n1 = this.width;
    let u0 = 0;
    let u1 = this.total;
    // MOA also updates the two sub-windows' variances here, but its bound uses the whole window's.
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i]!;
      const n2 = 2 ** i;
      for (let k = 0; k < row.size; k++) {
        const u2 = row.totals[k]!;
        n0 += n2;
        n1 -= n2;
        u0 += u2;
        u1 -= u2;
        if (i === 0 && k === row.size - 1) return false;
        if (n1 > MIN_SUB_WINDOW + 1 && n0 > MIN_SUB_WINDOW + 1 && this.isCut(n0, n1, u0 / n0 - u1 / n1)) {
          this.deleteOldest();
          return true;
        }
      }
    }
    return false;
  }

  private isCut(n0: number, n1: number, meanGap: number): boolean {
    const dd = log((2 * log(this.width)) / this.delta);
    const m = 1 / (n0 - MIN_SUB_WINDOW + 1) + 1 / (n1 - MIN_SUB_WINDOW + 1);
    const epsilon = sqrt(2 * m * this.variance * dd) + (2 / 3) * dd * m;
    return abs(meanGap) > epsilon;
  }

  private deleteOldest(): void {
    const last = this.rows.length - 1;
    const row = this.rows[last]!;
    const n1 = 2 ** last;
    this.width -= n1;
    this.total -= row.totals[0]!;
    const d = row.totals[0]! / n1 - this.total / this.width;
    this.varianceSum -= row.variances[0]! + (imul(n1, this.width) * d * d) / (n1 + this.width);
    row.removeOldest(1);
    if (row.size === 0) this.rows.pop();
  }
}
