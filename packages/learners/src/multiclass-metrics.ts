/**
 * Multiclass classification metrics from a confusion matrix, kept as a stream (cumulative, or over
 * the last `window` updates), with scikit-learn's definitions (sklearn.metrics,
 * precision_recall_fscore_support and classification_report, zero_division = 0):
 *   per class c:  precision = TP / (TP + FP),  recall = TP / (TP + FN),  F1 = 2 P R / (P + R),
 *                 support = number of true labels c; a 0/0 is 0;
 *   macro:        the unweighted mean of the per-class values;
 *   weighted:     their mean weighted by support;
 *   micro:        P, R and F1 from TP, FP, FN summed over the classes. With one label per sample
 *                 and every class counted, all three equal the accuracy.
 * The classes are the labels seen as truth or as prediction (sklearn's unique_labels), sorted:
 * integers ascending, then strings in code-unit order. A prediction of null (a model that knows no
 * class yet) is a miss: a false negative for the true class, a false positive for none.
 * Log loss is the mean of −ln p, p the probability given to the true class, clipped to
 * [1e-15, 1 − 1e-15] as the binary LogLoss does (sklearn ≤ 1.4's eps).
 */
import { log, max, min, numberIsNaN } from './globals.js';
import { LOG_LOSS_EPS } from './metrics.js';
import { checkClassLabel, type ClassLabel } from './softmax.js';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface MulticlassReport {
  /** Per class, in sorted label order. */
  classes: ({ label: ClassLabel } & ClassScores)[];
  macro: ClassScores;
  micro: ClassScores;
  weighted: ClassScores;
  accuracy: number;
  /** NaN when no probability was given. */
  logLoss: number;
  samples: number;
}

export interface MulticlassMetricsState {
  window: number | null;
  seen: number;
  /** The updates still counted, oldest first: [true label, predicted label, −ln p (or null)]. */
  entries: [ClassLabel, ClassLabel | null, number | null][] | null;
  /** Cumulative form: confusion counts as [true, predicted, count] and the log-loss sum. */
  counts: [ClassLabel, ClassLabel | null, number][] | null;
  logLossSum: number;
  logLossCount: number;
}

const fScore = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** −ln p of the true class, clipped; null when no probability is given. */
function lossTerm(pTrue: number | undefined): number | null {
  if (pTrue === undefined) return null;
  if (numberIsNaN(pTrue)) throw new RangeError('metric update with a NaN probability');
  return -log(min(max(pTrue, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS));
}

/** Cell key of a confusion pair; JSON keeps 1 and '1' apart. */
const cell = (t: ClassLabel, p: ClassLabel | null): string => JSON.stringify([t, p]);

export class MulticlassMetrics {
  readonly window: number | null;
  seen = 0;
  // Confusion counts by cell, and the labels' own counts as truth and as prediction.
  private readonly confusion = new Map<string, { t: ClassLabel; p: ClassLabel | null; n: number }>();
  private readonly truth = new Map<ClassLabel, number>();
  private readonly predicted = new Map<ClassLabel, number>();
  private entries: [ClassLabel, ClassLabel | null, number | null][] = [];
  private first = 0;
  private logLossSum = 0;
  private logLossCount = 0;

  constructor(options: { window?: number | null } = {}) {
    const w = options.window ?? null;
    if (w !== null && (!Number.isInteger(w) || w < 1)) throw new RangeError(`window must be a positive integer, got ${w}`);
    this.window = w;
  }

  /** One sample: its true label, the predicted one, and optionally the probability given to the true one. */
  update(yTrue: ClassLabel, yPred: ClassLabel | null, pTrue?: number): void {
    checkClassLabel(yTrue);
    if (yPred !== null) checkClassLabel(yPred);
    const loss = lossTerm(pTrue);
    this.seen++;
    this.count(yTrue, yPred, loss, 1);
    if (this.window === null) return;
    this.entries.push([yTrue, yPred, loss]);
    if (this.entries.length - this.first > this.window) {
      const [t, p, l] = this.entries[this.first]!;
      this.entries[this.first++] = undefined as never;
      this.count(t, p, l, -1);
      if (this.first * 2 >= this.entries.length) {
        this.entries = this.entries.slice(this.first);
        this.first = 0;
        // Subtraction accumulates rounding: the sum is rebuilt from the kept terms (O(1) amortised).
        this.logLossSum = this.entries.reduce((s, [, , term]) => s + (term ?? 0), 0);
      }
    }
  }

  report(): MulticlassReport {
    const labels = [...new Set([...this.truth.keys(), ...this.predicted.keys()])].sort(compareLabels);
    let samples = 0;
    let correct = 0;
    for (const n of this.truth.values()) samples += n;
    const classes = labels.map((label) => {
      const tp = this.confusion.get(cell(label, label))?.n ?? 0;
      const support = this.truth.get(label) ?? 0;
      correct += tp;
      const precision = ratio(tp, this.predicted.get(label) ?? 0);
      const recall = ratio(tp, support);
      return { label, precision, recall, f1: fScore(precision, recall), support };
    });
    const mean = (key: 'precision' | 'recall' | 'f1', weighted: boolean): number => {
      const total = weighted ? samples : classes.length;
      return ratio(
        classes.reduce((s, c) => s + c[key] * (weighted ? c.support : 1), 0),
        total,
      );
    };
    const average = (weighted: boolean): ClassScores => ({
      precision: mean('precision', weighted),
      recall: mean('recall', weighted),
      f1: mean('f1', weighted),
      support: samples,
    });
    let predictedTotal = 0;
    for (const n of this.predicted.values()) predictedTotal += n;
    // Summed over classes: TP = correct, TP + FP = predictions made, TP + FN = samples.
    const microP = ratio(correct, predictedTotal);
    const microR = ratio(correct, samples);
    return {
      classes,
      macro: average(false),
      weighted: average(true),
      micro: { precision: microP, recall: microR, f1: fScore(microP, microR), support: samples },
      accuracy: samples === 0 ? NaN : correct / samples,
      logLoss: this.logLossCount === 0 ? NaN : this.logLossSum / this.logLossCount,
      samples,
    };
  }

  toJSON(): MulticlassMetricsState {
    const base = { window: this.window, seen: this.seen, logLossSum: this.logLossSum, logLossCount: this.logLossCount };
    if (this.window !== null) return { ...base, entries: this.entries.slice(this.first), counts: null };
    return { ...base, entries: null, counts: [...this.confusion.values()].map(({ t, p, n }) => [t, p, n]) };
  }

  static fromJSON(state: MulticlassMetricsState): MulticlassMetrics {
    const m = new MulticlassMetrics({ window: state.window });
    if (state.window !== null) {
      if (!Array.isArray(state.entries)) throw new TypeError('windowed multiclass metrics without entries');
      for (const [t, p, l] of state.entries) {
        if (l !== null && !(l >= 0)) throw new TypeError('multiclass metrics: a log-loss term must be ≥ 0');
        m.update(t, p, l === null ? undefined : Math.exp(-l));
        m.entries[m.entries.length - 1]![2] = l;
      }
      // Rebuilt from the exact terms, not from exp(−l) round trips.
      m.logLossSum = m.entries.reduce((s, [, , term]) => s + (term ?? 0), 0);
    } else {
      if (!Array.isArray(state.counts)) throw new TypeError('cumulative multiclass metrics without counts');
      for (const [t, p, n] of state.counts) {
        checkClassLabel(t);
        if (p !== null) checkClassLabel(p);
        if (!Number.isInteger(n) || n < 1) throw new TypeError('multiclass metrics: counts are positive integers');
        m.count(t, p, null, n);
      }
      m.logLossSum = state.logLossSum;
      m.logLossCount = state.logLossCount;
    }
    m.seen = state.seen;
    return m;
  }

  private count(t: ClassLabel, p: ClassLabel | null, loss: number | null, n: number): void {
    const key = cell(t, p);
    const entry = this.confusion.get(key) ?? { t, p, n: 0 };
    entry.n += n;
    if (entry.n === 0) this.confusion.delete(key);
    else this.confusion.set(key, entry);
    bump(this.truth, t, n);
    if (p !== null) bump(this.predicted, p, n);
    if (loss !== null) {
      this.logLossSum += n * loss;
      this.logLossCount += n;
    }
  }
}

function bump(counts: Map<ClassLabel, number>, label: ClassLabel, n: number): void {
  const next = (counts.get(label) ?? 0) + n;
  if (next === 0) counts.delete(label);
  else counts.set(label, next);
}

/**
 * Metric values of a report, flat, as a registered version stores them: accuracy, log_loss,
 * macro_/micro_/weighted_ precision, recall and f1, and per class `precision[label]`,
 * `recall[label]`, `f1[label]`, `support[label]`.
 */
export function flattenReport(r: MulticlassReport): Map<string, number> {
  const out = new Map<string, number>([
    ['accuracy', r.accuracy],
    ['log_loss', r.logLoss],
  ]);
  for (const [name, s] of [
    ['macro', r.macro],
    ['micro', r.micro],
    ['weighted', r.weighted],
  ] as const) {
    out.set(`${name}_precision`, s.precision).set(`${name}_recall`, s.recall).set(`${name}_f1`, s.f1);
  }
  for (const c of r.classes) {
    const l = String(c.label);
    out.set(`precision[${l}]`, c.precision).set(`recall[${l}]`, c.recall).set(`f1[${l}]`, c.f1).set(`support[${l}]`, c.support);
  }
  return out;
}
