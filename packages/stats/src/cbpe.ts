// Confidence-based performance estimation (CBPE, as NannyML describes it): with probabilities
// calibrated on labelled reference data, the expected confusion matrix of unlabelled records is
// the sum of their probabilities, and every metric follows from it.

/** A monotone map from a raw score to a calibrated probability. */
export type Calibrator = (score: number) => number;

/**
 * Isotonic calibration: the non-decreasing fit of the 0/1 truth on the score by pool-adjacent-
 * violators (equal scores pooled first), predicted by linear interpolation between the fitted
 * points and clipped beyond them — scikit-learn's `IsotonicRegression(out_of_bounds='clip')`.
 */
export function isotonicCalibrator(score: Float64Array, truth: Uint8Array): Calibrator {
  const n = score.length;
  if (n === 0 || truth.length !== n) throw new RangeError('need as many truths as scores, at least one');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  // Unique scores with the mean truth and weight of each.
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const i of order) {
    const s = score[i]!;
    if (xs.length && xs[xs.length - 1] === s) {
      const k = xs.length - 1;
      ys[k] = (ys[k]! * ws[k]! + truth[i]!) / (ws[k]! + 1);
      ws[k]!++;
    } else {
      xs.push(s);
      ys.push(truth[i]!);
      ws.push(1);
    }
  }
  // Pool adjacent violators: blocks [start, end] with a weighted mean, merged while decreasing.
  const value: number[] = [];
  const weight: number[] = [];
  const end: number[] = [];
  for (let k = 0; k < xs.length; k++) {
    value.push(ys[k]!);
    weight.push(ws[k]!);
    end.push(k);
    while (value.length > 1 && value[value.length - 2]! > value[value.length - 1]!) {
      const w = weight.pop()!;
      const v = value.pop()!;
      const e = end.pop()!;
      const j = value.length - 1;
      value[j] = (value[j]! * weight[j]! + v * w) / (weight[j]! + w);
      weight[j]! += w;
      end[j] = e;
    }
  }
  const fitted = new Float64Array(xs.length);
  for (let b = 0, k = 0; b < value.length; b++) for (; k <= end[b]!; k++) fitted[k] = value[b]!;
  const x = Float64Array.from(xs);
  return (s: number) => {
    if (s <= x[0]!) return fitted[0]!;
    const last = x.length - 1;
    if (s >= x[last]!) return fitted[last]!;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid]! <= s) lo = mid;
      else hi = mid;
    }
    return fitted[lo]! + ((fitted[hi]! - fitted[lo]!) * (s - x[lo]!)) / (x[hi]! - x[lo]!);
  };
}

export interface CbpeEstimate {
  n: number;
  accuracy: number;
  /** Normal interval of the accuracy estimate: each record correct with its own probability, independently. */
  accuracyInterval: [number, number];
  precision: number | null;
  recall: number | null;
  f1: number | null;
  rocAuc: number | null;
}

/**
 * The expected metrics of binary predictions (`predictedPositive` 1/0) given the calibrated
 * probability `p` of the positive class of each record, and its raw `score` for the ROC AUC's
 * ranking. Ratios are ratios of expectations (E[TP] / (E[TP] + E[FP]), …); the expected ROC AUC
 * is E[concordant positive–negative pairs, ties half] / E[positive–negative pairs], pairs of
 * distinct records. `z` sets the interval (1.96: 95 %).
 */
export function cbpe(predictedPositive: Uint8Array, p: Float64Array, score: Float64Array, z = 1.959963984540054): CbpeEstimate {
  const n = p.length;
  if (n === 0 || predictedPositive.length !== n || score.length !== n) throw new RangeError('need aligned, non-empty columns');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    if (predictedPositive[i]) {
      tp += pi;
      fp += 1 - pi;
    } else {
      fn += pi;
      tn += 1 - pi;
    }
    variance += pi * (1 - pi); // Var of "correct", whichever class was predicted
  }
  const accuracy = (tp + tn) / n;
  const half = (z * Math.sqrt(variance)) / n;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null;
  return { n, accuracy, accuracyInterval: [accuracy - half, accuracy + half], precision, recall, f1, rocAuc: expectedAuc(p, score) };
}

function expectedAuc(p: Float64Array, score: Float64Array): number | null {
  const n = p.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let concordant = 0;
  let negativesBelow = 0;
  let positives = 0;
  let negatives = 0;
  let self = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    let groupPos = 0;
    let groupNeg = 0;
    let groupSelf = 0;
    for (let k = i; k <= j; k++) {
      const pk = p[order[k]!]!;
      groupPos += pk;
      groupNeg += 1 - pk;
      groupSelf += pk * (1 - pk);
    }
    // Positives of this group over negatives scored lower, and half the pairs tied within it.
    concordant += groupPos * negativesBelow + 0.5 * (groupPos * groupNeg - groupSelf);
    negativesBelow += groupNeg;
    positives += groupPos;
    negatives += groupNeg;
    self += groupSelf;
    i = j + 1;
  }
  const pairs = positives * negatives - self;
  return pairs > 0 ? concordant / pairs : null;
}
