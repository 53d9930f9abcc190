/**
 * Streaming metrics, cumulative (window = null) or over the last `window` updates.
 *
 * `update(y, prediction)` takes the true target and the model's output: for classification metrics
 * the probability of class 1 (a 0/1 label also works, since the class is prediction ≥ 0.5), for
 * regression metrics the predicted value. `get()` is NaN until the metric has something to report.
 *
 * Mean-type metrics (accuracy, log loss, MAE, RMSE) keep a running sum of per-sample terms; a
 * rolling window subtracts the term that leaves. Subtraction accumulates rounding, so the sum is
 * recomputed from the buffer (oldest first) after every `window` evictions: O(1) amortised, error
 * bounded by one window's worth of additions.
 * ROC AUC is exact over its window (ties count ½, the Mann–Whitney U statistic / (n₊ n₋), which is
 * what sklearn.metrics.roc_auc_score computes); the cumulative form would need every score ever seen,
 * so it defaults to a window of 10 000.
 */
import { abs, F64, log, max, min, numberIsNaN, sqrt } from './globals.js';
import { decodeFloats, decodeNumber, encodeFloats, encodeNumber, type EncodedFloats, type EncodedNumber } from './float-codec.js';

export type MetricName = 'accuracy' | 'log_loss' | 'roc_auc' | 'mae' | 'rmse';

export interface MetricOptions {
  /** Number of most recent updates the metric covers; omit (or null) for cumulative. */
  window?: number | null;
}

export interface MetricState {
  name: MetricName;
  window: number | null;
  /** Updates seen in total (not only in the window). */
  seen: number;
  /** Ring buffer (raw layout) and its cursor; cumulative mean metrics have none. */
  buffer: EncodedFloats | null;
  labels: number[] | null;
  head: number;
  size: number;
  sum: EncodedNumber;
  evictions: number;
}

export interface Metric {
  readonly name: MetricName;
  readonly window: number | null;
  /** Updates seen in total. */
  readonly seen: number;
  update(y: number, prediction: number): void;
  get(): number;
  toJSON(): MetricState;
}

/** Clip used by sklearn.metrics.log_loss up to 1.2 (eps = 1e-15), so one confident miss stays finite. */
export const LOG_LOSS_EPS = 1e-15;

function checkWindow(window: number | null | undefined): number | null {
  if (window === undefined || window === null) return null;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  return window;
}

function checkLabel(y: number): void {
  if (y !== 0 && y !== 1) throw new RangeError(`binary labels are 0 or 1, got ${y}`);
}

abstract class RingMetric implements Metric {
  abstract readonly name: MetricName;
  readonly window: number | null;
  seen = 0;
  protected head = 0;
  protected size = 0;
  protected readonly buffer: Float64Array | null;

  constructor(options: MetricOptions = {}) {
    this.window = checkWindow(options.window);
    this.buffer = this.window === null ? null : new F64(this.window);
  }

  update(y: number, prediction: number): void {
    // One NaN would stay in the sum (or break the AUC sort) for as long as it is in the window.
    if (numberIsNaN(y) || numberIsNaN(prediction)) throw new RangeError('metric update with NaN');
    this.record(y, prediction);
  }

  protected abstract record(y: number, prediction: number): void;
  abstract get(): number;
  protected abstract extraState(): Pick<MetricState, 'labels' | 'sum' | 'evictions'>;

  /** Stores v in the ring; returns the evicted value, or undefined when nothing left. */
  protected push(v: number): number | undefined {
    this.seen++;
    const buf = this.buffer;
    if (buf === null) return undefined;
    const at = this.head;
    const old = this.size === buf.length ? buf[at] : undefined;
    buf[at] = v;
    this.head = (at + 1) % buf.length;
    if (this.size < buf.length) this.size++;
    return old;
  }

  toJSON(): MetricState {
    const { name, window, seen, head, size } = this;
    return { name, window, seen, buffer: this.buffer && encodeFloats(this.buffer), head, size, ...this.extraState() };
  }

  /** @internal Restores the ring state from toJSON() output; use metricFromJSON. */
  load(state: MetricState): void {
    this.seen = state.seen;
    this.head = state.head;
    this.size = state.size;
    if (this.buffer !== null) {
      if (state.buffer === null) throw new TypeError('windowed metric state without a buffer');
      this.buffer.set(decodeFloats(state.buffer, this.buffer.length));
    }
  }
}

/** Mean of a per-sample term over the window (or everything), with an optional final transform. */
abstract class MeanMetric extends RingMetric {
  private sum = 0;
  private evictions = 0;

  protected abstract term(y: number, prediction: number): number;

  protected finish(mean: number): number {
    return mean;
  }

  protected record(y: number, prediction: number): void {
    const t = this.term(y, prediction);
    const evicted = this.push(t);
    if (evicted === undefined) {
      this.sum += t;
      return;
    }
    this.sum += t - evicted;
    if (++this.evictions === this.buffer!.length) {
      this.evictions = 0;
      this.sum = this.resum();
    }
  }

  get(): number {
    const n = this.buffer === null ? this.seen : this.size;
    return n === 0 ? NaN : this.finish(this.sum / n);
  }

  private resum(): number {
    const buf = this.buffer!;
    let s = 0;
    for (let k = 0; k < this.size; k++) s += buf[(this.head + k) % buf.length]!;
    return s;
  }

  protected extraState(): Pick<MetricState, 'labels' | 'sum' | 'evictions'> {
    return { labels: null, sum: encodeNumber(this.sum), evictions: this.evictions };
  }

  override load(state: MetricState): void {
    super.load(state);
    this.sum = decodeNumber(state.sum);
    this.evictions = state.evictions;
  }
}

/** Share of correct classes, the class being prediction ≥ 0.5. */
export class Accuracy extends MeanMetric {
  readonly name = 'accuracy';
  protected term(y: number, p: number): number {
    checkLabel(y);
    return (p >= 0.5 ? 1 : 0) === y ? 1 : 0;
  }
}

/** Mean of −[y ln p + (1 − y) ln(1 − p)], p clipped to [1e-15, 1 − 1e-15]. */
export class LogLoss extends MeanMetric {
  readonly name = 'log_loss';
  protected term(y: number, p: number): number {
    checkLabel(y);
    const q = min(max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    return y === 1 ? -log(q) : -log(1 - q);
  }
}

/** Mean absolute error. */
export class Mae extends MeanMetric {
  readonly name = 'mae';
  protected term(y: number, p: number): number {
    return abs(y - p);
  }
}

/** Root of the mean squared error. */
export class Rmse extends MeanMetric {
  readonly name = 'rmse';
  protected term(y: number, p: number): number {
    return (y - p) * (y - p);
  }
  protected override finish(mean: number): number {
    return sqrt(mean);
  }
}

/** Area under the ROC curve over the window; NaN until both classes are present. */
export class RocAuc extends RingMetric {
  readonly name = 'roc_auc';
  private readonly labels: Uint8Array;

  constructor(options: MetricOptions = {}) {
    super({ window: options.window ?? 10_000 });
    this.labels = new Uint8Array(this.window!);
  }

  protected record(y: number, prediction: number): void {
    checkLabel(y);
    this.labels[this.head] = y;
    this.push(prediction);
  }

  get(): number {
    const n = this.size;
    const scores = this.buffer!;
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => scores[a]! - scores[b]!);
    // Sum of the positives' ranks, tied scores sharing their mean rank (1-based).
    let rankSum = 0;
    let positives = 0;
    for (let start = 0; start < n;) {
      let end = start + 1;
      while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
      const midRank = (start + 1 + end) / 2;
      for (let k = start; k < end; k++) {
        if (this.labels[order[k]!] === 1) {
          rankSum += midRank;
          positives++;
        }
      }
      start = end;
    }
    const negatives = n - positives;
    if (positives === 0 || negatives === 0) return NaN;
    return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
  }

  protected extraState(): Pick<MetricState, 'labels' | 'sum' | 'evictions'> {
    return { labels: Array.from(this.labels), sum: 0, evictions: 0 };
  }

  override load(state: MetricState): void {
    super.load(state);
    if (state.labels === null || state.labels.length !== this.labels.length) throw new TypeError('roc_auc state without labels');
    this.labels.set(state.labels);
  }
}

export function createMetric(name: MetricName, options: MetricOptions = {}): Metric {
  switch (name) {
    case 'accuracy':
      return new Accuracy(options);
    case 'log_loss':
      return new LogLoss(options);
    case 'mae':
      return new Mae(options);
    case 'rmse':
      return new Rmse(options);
    case 'roc_auc':
      return new RocAuc(options);
    default:
      throw new RangeError(`unknown metric ${String(name)}`);
  }
}

export function metricFromJSON(state: MetricState): Metric {
  const metric = createMetric(state.name, { window: state.window }) as RingMetric;
  metric.load(state);
  return metric;
}
