import {
  flattenReport,
  MulticlassMetrics,
  multiclassProgressive,
  type MulticlassMetricsState,
  type MulticlassReport,
  type MulticlassModel,
} from '@modelyard/learners';
import type { LearningMetric } from '@modelyard/types';
import { LIFETIME_WINDOW, type LabelledSample, type LifetimeState, type Progress } from './learner.js';

/**
 * How a multiclass pipeline (softmax, or a Hoeffding tree over class labels) measures itself: multiclass metrics (packages/learners) test-then-train.
 * Registered versions get the full report of their update (accuracy, log_loss, macro/micro/weighted
 * precision, recall and F1, and per class `f1[label]`…); the pipeline's rolling metrics keep the
 * three a gate or the adaptive strategy can use, over the last LIFETIME_WINDOW samples.
 */

/** A multiclass pipeline's lifetime metrics in a checkpoint (beside the linear ProgressiveState form). */
export interface MulticlassProgress {
  multiclass: MulticlassMetricsState;
}

const ROLLING: readonly LearningMetric[] = ['accuracy', 'log_loss', 'macro_f1'];

/** One gate metric of a report; NaN for a metric a multiclass model does not have (roc_auc, mae, rmse). */
export function multiclassValue(report: MulticlassReport, name: LearningMetric): number {
  switch (name) {
    case 'accuracy':
      return report.accuracy;
    case 'log_loss':
      return report.logLoss;
    case 'macro_f1':
      return report.samples === 0 ? NaN : report.macro.f1;
    case 'roc_auc':
    case 'mae':
    case 'rmse':
      return NaN;
  }
}

function rolling(metrics: MulticlassMetrics): Record<string, number> {
  const report = metrics.report();
  return Object.fromEntries(ROLLING.map((name) => [`${name}@${LIFETIME_WINDOW}`, multiclassValue(report, name)]));
}

/** The multiclass model learns the samples test-then-train, its lifetime metrics continuing from `from`. */
export function learnMulticlass(model: MulticlassModel, from: LifetimeState | null, samples: readonly LabelledSample[]): Progress {
  if (from && !('multiclass' in from)) throw new TypeError('the checkpoint holds a linear model’s metrics, not multiclass ones');
  const lifetime = from ? MulticlassMetrics.fromJSON(from.multiclass) : new MulticlassMetrics({ window: LIFETIME_WINDOW });
  const before = rolling(lifetime);
  const [update] = multiclassProgressive(model, samples, [new MulticlassMetrics(), lifetime]);
  const report = update!.report();
  return {
    before,
    lifetime: rolling(lifetime),
    update: report.samples === 0 ? {} : Object.fromEntries(flattenReport(report)),
    progressive: { multiclass: lifetime.toJSON() },
  };
}
