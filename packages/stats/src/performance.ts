// Performance metrics of a model on labelled records, as scikit-learn defines them (the reference
// values in test/reference/performance.ref.ts come from sklearn.metrics).

export interface ClassificationMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** The positive class of binary metrics; null when they are macro averages (more than two classes). */
  positive: string | null;
}

/** Code-point order, as numpy sorts strings (sklearn's `unique_labels`). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The classes seen in either column, in code-point order. */
export function classesOf(labels: readonly string[], predictions: readonly string[]): string[] {
  return [...new Set([...labels, ...predictions])].sort(byCodePoint);
}

/**
 * The positive class of a binary problem: the declared one, else the greater of the two classes
 * (sklearn's `roc_auc_score` convention, so "0"/"1" and "false"/"true" need no declaration).
 * Null with more than two classes (and no declaration).
 */
export function positiveClassOf(classes: readonly string[], declared?: string): string | null {
  if (declared !== undefined) return declared;
  return classes.length <= 2 ? (classes.at(-1) ?? null) : null;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b); // sklearn's zero_division=0 (its default answer, with a warning)
const f1Of = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * Accuracy, and precision/recall/F1: of `positive` when given (sklearn `average='binary'`,
 * `pos_label`), else macro averages over the classes of both columns (`average='macro'`; F1 is the
 * mean of the per-class F1s). Precision or recall of an empty denominator is 0 (sklearn's default).
 */
export function classificationMetrics(
  labels: readonly string[],
  predictions: readonly string[],
  positive: string | null,
): ClassificationMetrics {
  const n = labels.length;
  if (n === 0 || predictions.length !== n) throw new RangeError('need as many predictions as labels, at least one');
  let correct = 0;
  for (let i = 0; i < n; i++) if (labels[i] === predictions[i]) correct++;
  const classes = positive !== null ? [positive] : classesOf(labels, predictions);
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (const c of classes) {
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < n; i++) {
      const isLabel = labels[i] === c;
      const isPred = predictions[i] === c;
      if (isPred) predicted++;
      if (isLabel) actual++;
      if (isLabel && isPred) tp++;
    }
    const p = ratio(tp, predicted);
    const r = ratio(tp, actual);
    precision += p;
    recall += r;
    f1 += f1Of(p, r);
  }
  const k = classes.length;
  return { accuracy: correct / n, precision: precision / k, recall: recall / k, f1: f1 / k, positive };
}

/**
 * Area under the ROC curve of scores for a binary truth (1 = positive), with ties counted half:
 * the Mann–Whitney U of the positives' ranks / (positives × negatives), equal to sklearn's
 * trapezoidal `roc_auc_score`. Null when either class is absent (sklearn raises).
 */
export function rocAuc(truth: Uint8Array, score: Float64Array): number | null {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based; tied scores share their mean rank
    for (let k = i; k <= j; k++) {
      if (truth[order[k]!]) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Probabilities are clipped to [eps, 1 − eps] before the log, as sklearn's `log_loss(eps=1e-15)`. */
export const LOG_LOSS_EPS = 1e-15;

/** Mean binary cross-entropy of P(positive) against a binary truth (sklearn `log_loss`, natural log). */
export function logLoss(truth: Uint8Array, pPositive: Float64Array): number {
  const n = truth.length;
  if (n === 0) throw new RangeError('need at least one probability');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(pPositive[i]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= truth[i] ? Math.log(p) : Math.log(1 - p);
  }
  return sum / n;
}

/** Mean absolute error and root mean squared error of predictions against labels. */
export function regressionMetrics(labels: Float64Array, predictions: Float64Array): { mae: number; rmse: number } {
  const n = labels.length;
  if (n === 0 || predictions.length !== n) throw new RangeError('need as many predictions as labels, at least one');
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const e = predictions[i]! - labels[i]!;
    abs += Math.abs(e);
    sq += e * e;
  }
  return { mae: abs / n, rmse: Math.sqrt(sq / n) };
}
