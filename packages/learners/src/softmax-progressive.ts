/**
 * Progressive validation (test-then-train, see progressive.ts) of a multiclass model (softmax
 * regression, or a Hoeffding tree over class labels) into multiclass metrics: each sample is
 * predicted (label and the probability of its true class) before the model learns it. Labels are
 * revealed at once (no delay): the pipelines feed samples whose label is known.
 */
import type { LabelledHoeffdingTree } from './hoeffding/labelled-tree.js';
import type { Features } from './linear-model.js';
import { MulticlassMetrics } from './multiclass-metrics.js';
import type { ClassLabel, SoftmaxRegression } from './softmax.js';

/** A model predicting class labels: one probability per class, in its `classes` order. */
export type MulticlassModel = SoftmaxRegression | LabelledHoeffdingTree;

export interface MulticlassSample {
  readonly x: Features;
  readonly y: ClassLabel;
}

/** Updates the metrics with the model's prediction of one sample (the model does not learn it). */
export function scoreSample(model: MulticlassModel, sample: MulticlassSample, metrics: readonly MulticlassMetrics[]): void {
  const proba = model.predictProbaOne(sample.x);
  let best = -1;
  for (let c = 0; c < proba.length; c++) if (best < 0 || proba[c]! > proba[best]!) best = c;
  const at = model.indexOfClass(sample.y);
  // A label the model has never seen had probability 0 (clipped by the metric).
  const pTrue = at < 0 ? 0 : proba[at]!;
  const predicted = best < 0 ? null : model.classAt(best);
  for (const m of metrics) m.update(sample.y, predicted, pTrue);
}

/** Test-then-train over the samples; returns the metrics (fresh cumulative ones unless given). */
export function multiclassProgressive(
  model: MulticlassModel,
  samples: Iterable<MulticlassSample>,
  metrics: MulticlassMetrics[] = [new MulticlassMetrics()],
): MulticlassMetrics[] {
  for (const s of samples) {
    scoreSample(model, s, metrics);
    model.learnOne(s.x, s.y);
  }
  return metrics;
}

/** The metrics of the model on samples it does not learn (a hold-out set). */
export function evaluateMulticlass(model: MulticlassModel, samples: Iterable<MulticlassSample>): MulticlassMetrics {
  const metrics = new MulticlassMetrics();
  for (const s of samples) scoreSample(model, s, [metrics]);
  return metrics;
}
