import {
  createMetric,
  evaluateMulticlass,
  LinearModel,
  LinearRegression,
  LogisticRegression,
  metricKey,
  modelFromJSON,
  ProgressiveValidator,
  SoftmaxRegression,
  type ClassLabel,
  type FeatureRecord,
  type LinearModelState,
  type Metric,
  type MetricName,
  type ProgressiveState,
  type SoftmaxState,
} from '@modelyard/learners';
import type { BuiltinLearnerSpec, LearnerSpec, LearningMetric, PipelineFeature, SampleRow, SoftmaxLearnerSpec } from '@modelyard/types';
import { multiclassValue, type MulticlassProgress } from './multiclass.js';
import { z } from 'zod';

/**
 * How a pipeline's samples meet packages/learners. Everything here is deterministic, so an offline
 * run with the same spec and samples reproduces an update exactly (the acceptance test does that).
 */

/** Default hash space: a declared schema rarely needs more than 4096 slots, and checkpoints stay small. */
export const DEFAULT_DIM = 1 << 12;

/** Lifetime progressive metrics cover this many most recent samples (status, adaptive strategy). */
export const LIFETIME_WINDOW = 1000;

/** A pipeline's model: a linear model, or softmax regression for class labels. */
export type PipelineModel = LinearModel | SoftmaxRegression;
/** Its toJSON(), as checkpoints and model.json hold it. */
export type PipelineModelState = LinearModelState | SoftmaxState;
/** What a checkpoint keeps of the lifetime metrics: the progressive validator's, or the multiclass ones. */
export type LifetimeState = ProgressiveState | MulticlassProgress;

/** The in-process learner of a pipeline; an external learner has none (its jobs go to workers). */
export function builtinSpec(spec: LearnerSpec): BuiltinLearnerSpec | SoftmaxLearnerSpec {
  if (spec.type === 'external') throw new TypeError('an external learner is trained by external workers, not in-process');
  return spec;
}

export function createLearner(spec: BuiltinLearnerSpec | SoftmaxLearnerSpec): PipelineModel {
  const options = { ...spec.hyperparameters, optimizer: spec.optimizer, dim: spec.hyperparameters.dim ?? DEFAULT_DIM };
  if (spec.type === 'softmax') return new SoftmaxRegression({ ...options, ...(spec.classes ? { classes: spec.classes } : {}) });
  return spec.type === 'logistic_regression' ? new LogisticRegression(options) : new LinearRegression(options);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_FORMATS: readonly unknown[] = ['modelyard.linear-model', 'modelyard.softmax-model'];

/**
 * A stored model toJSON() (linear or softmax): its envelope is checked here; packages/learners checks
 * the rest (kinds, sizes, optimizer and scaler states) as it restores the model, and throws on a mismatch.
 */
export const LearnerState = z.custom<PipelineModelState>(
  (v) => isObject(v) && MODEL_FORMATS.includes(v.format) && v.version === 1 && isObject(v.options),
  'not a modelyard linear or softmax model state (version 1)',
);

/** A stored ProgressiveValidator.toJSON(), or a softmax model's multiclass metrics; checked as restored. */
export const ProgressiveStateJson = z.custom<LifetimeState>(
  (v) => isObject(v) && ((Array.isArray(v.metrics) && Array.isArray(v.pending) && typeof v.delay === 'number') || isObject(v.multiclass)),
  'not a progressive validator state',
);

export function restoreLearner(state: PipelineModelState): PipelineModel {
  return state.format === 'modelyard.softmax-model' ? SoftmaxRegression.fromJSON(state) : modelFromJSON(state);
}

/** A model.json artifact (a learner's toJSON()) as a model; throws when it is not one. */
export function parseModelFile(bytes: Buffer): PipelineModel {
  return restoreLearner(LearnerState.parse(JSON.parse(bytes.toString('utf8'))));
}

/** The lifetime progressive metrics of a linear model's checkpoint, continuing on `model`. */
export function restoreLifetime(state: LifetimeState, model: LinearModel): Metric[] {
  if ('multiclass' in state) throw new TypeError('the checkpoint holds multiclass metrics, not a linear model’s');
  return ProgressiveValidator.fromJSON(state, model).metrics;
}

/** The metrics a linear learner of this type reports. */
export function metricNames(type: BuiltinLearnerSpec['type']): MetricName[] {
  return type === 'logistic_regression' ? ['accuracy', 'log_loss', 'roc_auc'] : ['mae', 'rmse'];
}

export function freshMetrics(type: BuiltinLearnerSpec['type'], window: number | null = null): Metric[] {
  return metricNames(type).map((name) => createMetric(name, { window }));
}

/** Metric values keyed as progressive.ts's metricKey (`accuracy`, `accuracy@1000`). */
export function metricValues(metrics: readonly Metric[]): Record<string, number> {
  return Object.fromEntries(metrics.map((m) => [metricKey(m), m.get()]));
}

/** What learning a batch test-then-train gives: metric values, and the lifetime metrics to checkpoint. */
export interface Progress {
  /** The pipeline's rolling metrics before and after the batch. */
  before: Record<string, number>;
  lifetime: Record<string, number>;
  /** Metrics over this batch only (registered with the version). */
  update: Record<string, number>;
  progressive: LifetimeState;
}

/** A linear model learns the samples test-then-train, its lifetime metrics continuing from `from`. */
export function learnLinear(model: LinearModel, from: LifetimeState | null, samples: readonly LabelledSample[]): Progress {
  const lifetime = from ? restoreLifetime(from, model) : freshMetrics(model.kind, LIFETIME_WINDOW);
  const before = metricValues(lifetime);
  const update = freshMetrics(model.kind);
  // One pass feeds both metric sets: this update's (registered) and the pipeline's rolling ones.
  const validator = new ProgressiveValidator(model, [...update, ...lifetime]);
  for (const s of samples) validator.process({ x: s.x, y: numericTarget(s.y) });
  return {
    before,
    lifetime: metricValues(lifetime),
    update: metricValues(update),
    progressive: new ProgressiveValidator(model, lifetime).toJSON(),
  };
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

export interface LabelledSample {
  x: FeatureRecord;
  /** A number (0/1 label, regression target) or, for a softmax learner, a class label. */
  y: ClassLabel;
}

/**
 * A buffered row as a labelled sample. The target was checked to be a finite number, or a class
 * label, when the row was accepted (sample-validation.ts); anything else means the buffer was
 * written around it.
 */
export function toSample(row: SampleRow, features: readonly PipelineFeature[], target: string): LabelledSample {
  const y = row[target];
  if (typeof y !== 'number' && typeof y !== 'string') throw new TypeError(`buffered sample without a label or number '${target}'`);
  return { x: toRecord(row, features), y };
}

/** The numeric target of a linear model's sample (a string label means the buffer was written around the checks). */
export function numericTarget(y: ClassLabel): number {
  if (typeof y !== 'number') throw new TypeError('a linear model learns numeric targets, not class labels');
  return y;
}

/** What a metric is fed: P(y = 1) for a classifier, the prediction for a regression. */
export function predictionFor(model: LinearModel, x: FeatureRecord): number {
  return model instanceof LogisticRegression ? model.predictProbaOne(x) : model.predictOne(x);
}

/**
 * The metric of `model` on labelled samples, without learning from them; NaN when the metric does
 * not apply to the model (macro_f1 of a linear model, roc_auc or mae of a softmax one).
 */
export function evaluate(model: PipelineModel, name: LearningMetric, samples: readonly LabelledSample[]): number {
  if (model instanceof SoftmaxRegression) return multiclassValue(evaluateMulticlass(model, samples).report(), name);
  if (name === 'macro_f1') return NaN;
  const metric = createMetric(name, {});
  for (const s of samples) metric.update(numericTarget(s.y), predictionFor(model, s.x));
  return metric.get();
}

/** Whether two pipeline models can be compared on one metric (both softmax, or both linear). */
export function sameFamily(a: PipelineModel, b: PipelineModel): boolean {
  return a instanceof SoftmaxRegression === b instanceof SoftmaxRegression;
}
