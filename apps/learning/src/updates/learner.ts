import {
  createMetric,
  LinearRegression,
  LogisticRegression,
  modelFromJSON,
  type FeatureRecord,
  type LinearModel,
  type LinearModelState,
  type Metric,
  type MetricName,
} from '@modelyard/learners';
import type { PipelineFeature, LearnerSpec, SampleRow } from '@modelyard/types';

/**
 * How a pipeline's samples meet packages/learners. Everything here is deterministic, so an offline
 * run with the same spec and samples reproduces an update exactly (the acceptance test does that).
 */

/** Default hash space: a declared schema rarely needs more than 4096 slots, and checkpoints stay small. */
export const DEFAULT_DIM = 1 << 12;

/** Lifetime progressive metrics cover this many most recent samples (status, adaptive strategy). */
export const LIFETIME_WINDOW = 1000;

export function createLearner(spec: LearnerSpec): LogisticRegression | LinearRegression {
  const options = { ...spec.hyperparameters, optimizer: spec.optimizer, dim: spec.hyperparameters.dim ?? DEFAULT_DIM };
  return spec.type === 'logistic_regression' ? new LogisticRegression(options) : new LinearRegression(options);
}

export function restoreLearner(state: unknown): LinearModel {
  return modelFromJSON(state as LinearModelState);
}

/** The metrics a learner of this type reports. */
export function metricNames(type: LearnerSpec['type']): MetricName[] {
  return type === 'logistic_regression' ? ['accuracy', 'log_loss', 'roc_auc'] : ['mae', 'rmse'];
}

export function freshMetrics(type: LearnerSpec['type'], window: number | null = null): Metric[] {
  return metricNames(type).map((name) => createMetric(name, { window }));
}

/**
 * A buffered row as the learner's input: the declared features only (the target and anything else
 * left out), hashed by packages/learners (numbers by name, strings one-hot as `name=value`).
 */
export function toRecord(row: SampleRow, features: readonly PipelineFeature[]): FeatureRecord {
  // No prototype: a feature may be called "__proto__" or "constructor".
  const record = Object.create(null) as Record<string, number | string | boolean | null>;
  for (const f of features) record[f.name] = Object.hasOwn(row, f.name) ? (row[f.name] ?? null) : null;
  return record;
}

/** What a metric is fed: P(y = 1) for a classifier, the prediction for a regression. */
export function predictionFor(model: LinearModel, x: FeatureRecord): number {
  return model instanceof LogisticRegression ? model.predictProbaOne(x) : model.predictOne(x);
}

/** The metric of `model` on labelled samples, without learning from them. */
export function evaluate(model: LinearModel, name: MetricName, samples: readonly { x: FeatureRecord; y: number }[]): number {
  const metric = createMetric(name, {});
  for (const s of samples) metric.update(s.y, predictionFor(model, s.x));
  return metric.get();
}
