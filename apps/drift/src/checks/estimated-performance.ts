import { cbpe, classesOf, isotonicCalibrator, positiveClassOf } from '@modelyard/stats';
import type { ColumnSpec, DriftReportBody } from '@modelyard/types';
import { CONFIDENCE, LABEL, PREDICTION, type Column, type Columns } from '../window/window.codec.js';
import type { ReferenceColumn } from './drift-tests.js';

type Estimated = NonNullable<NonNullable<DriftReportBody['performance']>['estimated']>;

/**
 * Reference columns of the calibration records (prediction, label and confidence all present), aligned
 * row by row: the raw probability of the positive class, whether the label was positive, whether the
 * prediction was. Appending to the reference appends to all three, so they stay aligned.
 */
export const CAL_SCORE = '$cal-score';
export const CAL_TRUTH = '$cal-truth';
export const CAL_PREDICTED = '$cal-predicted';
/** Fewer labelled reference records calibrate nothing worth reporting. */
const MIN_CALIBRATION = 50;

/**
 * The positive class of a binary classifier: the label's `positive`, else the greater of the
 * reference's two classes (prediction and label); null with more than two.
 */
export function binaryPositive(label: ColumnSpec | null, reference: Map<string, ReferenceColumn>): string | null {
  if (label?.kind !== 'categorical') return null;
  const keys = (name: string) => {
    const c = reference.get(name);
    return c?.kind === 'categorical' ? Object.keys(c.counts) : [];
  };
  const classes = classesOf(keys(LABEL), keys(PREDICTION));
  return classes.length <= 2 ? positiveClassOf(classes, label.positive) : null;
}

/** The raw P(positive) of a record: `confidence` is the model's probability of the class it predicted. */
const rawPositive = (predicted: string, confidence: number, positive: string) => (predicted === positive ? confidence : 1 - confidence);

/** Calibration columns from records about to become the reference (none unless a binary classifier's records carry all three). */
export function calibrationColumns(label: ColumnSpec | null, columns: Columns, positiveOf: (classes: string[]) => string | null) {
  const pred = columns.values.get(PREDICTION);
  const truth = columns.values.get(LABEL);
  const confidence = columns.values.get(CONFIDENCE);
  if (label?.kind !== 'categorical' || !Array.isArray(pred) || !Array.isArray(truth) || !(confidence instanceof Float64Array)) return null;
  const rows: number[] = [];
  for (let i = 0; i < columns.n; i++) if (pred[i] !== null && truth[i] !== null && !Number.isNaN(confidence[i])) rows.push(i);
  const positive = positiveOf(
    classesOf(
      rows.map((i) => truth[i]!),
      rows.map((i) => pred[i]!),
    ),
  );
  if (!rows.length || positive === null) return null;
  return new Map<string, ReferenceColumn>([
    [CAL_SCORE, { kind: 'numeric', values: Float64Array.from(rows, (i) => rawPositive(pred[i]!, confidence[i]!, positive)) }],
    [CAL_TRUTH, { kind: 'numeric', values: Float64Array.from(rows, (i) => (truth[i] === positive ? 1 : 0)) }],
    [CAL_PREDICTED, { kind: 'numeric', values: Float64Array.from(rows, (i) => (pred[i] === positive ? 1 : 0)) }],
  ]);
}

export interface Estimator {
  positive: string;
  calibrate: (score: number) => number;
  referenceAccuracy: number;
}

/** The calibrator fitted on the reference's calibration records, or null when there are too few or one class only. */
export function estimatorOf(label: ColumnSpec | null, reference: Map<string, ReferenceColumn>): Estimator | null {
  const positive = binaryPositive(label, reference);
  const numeric = (name: string) => {
    const c = reference.get(name);
    return c?.kind === 'numeric' ? c.values : null;
  };
  const score = numeric(CAL_SCORE);
  const truth = numeric(CAL_TRUTH);
  const predicted = numeric(CAL_PREDICTED);
  if (positive === null || !score || !truth || !predicted || score.length < MIN_CALIBRATION) return null;
  if (truth.length !== score.length || predicted.length !== score.length) return null;
  let positives = 0;
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    positives += truth[i]!;
    if (truth[i] === predicted[i]) correct++;
  }
  if (positives === 0 || positives === truth.length) return null;
  const calibrate = isotonicCalibrator(score, Uint8Array.from(truth));
  return { positive, calibrate, referenceAccuracy: correct / truth.length };
}

/** CBPE over the given rows of the window that carry a prediction and a confidence. */
export function estimatePerformance(estimator: Estimator, window: Columns, rows: readonly number[]): Estimated | null {
  const pred = window.values.get(PREDICTION) as Column | undefined;
  const confidence = window.values.get(CONFIDENCE);
  if (!Array.isArray(pred) || !(confidence instanceof Float64Array)) return null;
  const used = rows.filter((i) => pred[i] !== null && !Number.isNaN(confidence[i]));
  if (!used.length) return null;
  const { positive, calibrate } = estimator;
  const raw = Float64Array.from(used, (i) => rawPositive(pred[i]!, confidence[i]!, positive));
  const predictedPositive = Uint8Array.from(used, (i) => (pred[i] === positive ? 1 : 0));
  const r = cbpe(predictedPositive, raw.map(calibrate), raw);
  const { accuracy, accuracyInterval, precision, recall, f1, rocAuc } = r;
  const referenceAccuracy = estimator.referenceAccuracy;
  return { method: 'cbpe-isotonic', records: r.n, accuracy, accuracyInterval, precision, recall, f1, rocAuc, referenceAccuracy };
}
