import { classesOf, classificationMetrics, logLoss, positiveClassOf, regressionMetrics, rocAuc } from '@modelyard/stats';
import type { ColumnSpec } from '@modelyard/types';
import { CONFIDENCE, LABEL, PREDICTION, type Columns } from '../window/window.codec.js';

/** Metrics of the model on the labelled rows (prediction and label both present), formulas in @modelyard/stats. */
export interface Performance {
  labelled: number;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  rocAuc: number | null;
  logLoss: number | null;
  positiveClass: string | null;
  mae: number | null;
  rmse: number | null;
}

const NONE = {
  accuracy: null,
  precision: null,
  recall: null,
  f1: null,
  rocAuc: null,
  logLoss: null,
  positiveClass: null,
  mae: null,
  rmse: null,
};

export function performanceOf(window: Columns, rows: readonly number[], label: ColumnSpec): Performance | null {
  const pred = window.values.get(PREDICTION);
  const truth = window.values.get(LABEL);
  if (!pred || !truth) return null;
  if (label.kind === 'categorical' && Array.isArray(pred) && Array.isArray(truth))
    return classification(pred, truth, window.values.get(CONFIDENCE) as Float64Array | undefined, rows, label.positive);
  if (pred instanceof Float64Array && truth instanceof Float64Array) {
    const labelled = rows.filter((i) => !Number.isNaN(pred[i]) && !Number.isNaN(truth[i]));
    if (!labelled.length) return { labelled: 0, ...NONE };
    const r = regressionMetrics(
      Float64Array.from(labelled, (i) => truth[i]!),
      Float64Array.from(labelled, (i) => pred[i]!),
    );
    return { labelled: labelled.length, ...NONE, ...r };
  }
  return null;
}

/**
 * Accuracy, precision, recall and F1 on the labelled rows; for a binary problem also ROC AUC and
 * log loss from `confidence`, read as the model's probability of the class it predicted (so
 * P(positive) = confidence when it predicted the positive class, 1 − confidence otherwise), on
 * the labelled rows that carry one.
 */
function classification(
  pred: readonly (string | null)[],
  truth: readonly (string | null)[],
  confidence: Float64Array | undefined,
  rows: readonly number[],
  declared: string | undefined,
): Performance {
  const labelled = rows.filter((i) => pred[i] !== null && truth[i] !== null);
  if (!labelled.length) return { labelled: 0, ...NONE };
  const labels = labelled.map((i) => truth[i]!);
  const predictions = labelled.map((i) => pred[i]!);
  const classes = classesOf(labels, predictions);
  const positive = positiveClassOf(classes, declared);
  const m = classificationMetrics(labels, predictions, positive);
  const binary = positive !== null && classes.length <= 2;
  const scored = binary && confidence ? labelled.filter((i) => !Number.isNaN(confidence[i])) : [];
  let auc: number | null = null;
  let loss: number | null = null;
  if (scored.length) {
    const y = Uint8Array.from(scored, (i) => (truth[i] === positive ? 1 : 0));
    const p = Float64Array.from(scored, (i) => (pred[i] === positive ? confidence![i]! : 1 - confidence![i]!));
    auc = rocAuc(y, p);
    loss = logLoss(y, p);
  }
  return {
    labelled: labelled.length,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    rocAuc: auc,
    logLoss: loss,
    positiveClass: positive,
    mae: null,
    rmse: null,
  };
}
