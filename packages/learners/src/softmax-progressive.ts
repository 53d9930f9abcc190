/**
 * Progressive validation (test-then-train, see progressive.ts) of a softmax model into multiclass
 * metrics: each sample is predicted (label and the probability of its true class) before the model
 * learns it. Labels are revealed at once (no delay): the pipelines feed samples whose label is known.
 */
import type { Features } from './linear-model.js';
import { MulticlassMetrics } from './multiclass-metrics.js';
import type { ClassLabel, SoftmaxRegression } from './softmax.js';

export interface MulticlassSample {
  readonly x: Features;
  readonly y: ClassLabel;
}

/** Updates the metrics with the model's prediction of one sample (the model does not learn it). */
export function scoreSample(model: SoftmaxRegression, sample: MulticlassSample, metrics: readonly MulticlassMetrics[]): void {
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
  model: SoftmaxRegression,
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
export function evaluateMulticlass(model: SoftmaxRegression, samples: Iterable<MulticlassSample>): MulticlassMetrics {
  const metrics = new MulticlassMetrics();
  for (const s of samples) scoreSample(model, s, [metrics]);
  return metrics;
}
