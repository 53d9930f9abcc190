import {
  createMetric,
  evaluateMulticlass,
  HoeffdingTreeClassifier,
  isLabelledTreeState,
  LabelledHoeffdingTree,
  LEARNER_FORMATS,
  learnerFromJSON,
  LinearRegression,
  LogisticRegression,
  metricKey,
  ProgressiveValidator,
  SoftmaxRegression,
  type ClassLabel,
  type FeatureRecord,
  type LearnerState as LearnerStateJson,
  type Metric,
  type MetricName,
  type MulticlassModel,
  type OnlineLearner,
  type ProgressiveState,
  type SoftmaxState,
  type LabelledTreeState,
} from '@modelyard/learners';
import {
  isClassifier,
  type BuiltinLearnerSpec,
  type ExternalLearnerSpec,
  type LearnerSpec,
  type LearningMetric,
  type PipelineFeature,
  type SampleRow,
  type SoftmaxLearnerSpec,
} from '@modelyard/types';
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

/** A learner trained in-process by the service's update jobs. */
export type InProcessLearnerSpec = Exclude<LearnerSpec, ExternalLearnerSpec>;

/**
 * A pipeline's model: a linear model or a Hoeffding tree of 0/1 labels (numeric predictions), or for
 * class labels softmax regression or a Hoeffding tree over a fixed class set (MulticlassModel).
 */
export type PipelineModel = OnlineLearner | MulticlassModel;
/** Its toJSON(), as checkpoints and model.json hold it. */
export type PipelineModelState = LearnerStateJson | SoftmaxState | LabelledTreeState;

/** Whether a pipeline model predicts class labels (multiclass metrics) rather than numbers. */
export function isMulticlassModel(model: PipelineModel): model is MulticlassModel {
  return model instanceof SoftmaxRegression || model instanceof LabelledHoeffdingTree;
}
/** What a checkpoint keeps of the lifetime metrics: the progressive validator's, or the multiclass ones. */
export type LifetimeState = ProgressiveState | MulticlassProgress;

/** The in-process learner of a pipeline; an external learner has none (its jobs go to workers). */
export function builtinSpec(spec: LearnerSpec): InProcessLearnerSpec {
  if (spec.type === 'external') throw new TypeError('an external learner is trained by external workers, not in-process');
  return spec;
}

export function createLearner(spec: InProcessLearnerSpec): PipelineModel {
  if (spec.type === 'softmax') {
    const options = { ...spec.hyperparameters, optimizer: spec.optimizer, dim: spec.hyperparameters.dim ?? DEFAULT_DIM };
    return new SoftmaxRegression({ ...options, ...(spec.classes ? { classes: spec.classes } : {}) });
  }
  if (spec.type === 'hoeffding_tree' && spec.classes) {
    const { type: _type, classes, ...options } = spec;
    return LabelledHoeffdingTree.create(classes, options);
  }
  return createNumericLearner(spec);
}

/** A learner whose predictions are numbers (a linear model or a Hoeffding tree of 0/1 labels). */
export function createNumericLearner(spec: Exclude<InProcessLearnerSpec, SoftmaxLearnerSpec>): OnlineLearner {
  if (spec.type === 'hoeffding_tree') {
    const { type: _type, classes, ...options } = spec;
    if (classes) throw new TypeError('a Hoeffding tree with classes predicts class labels (createLearner)');
    return new HoeffdingTreeClassifier(options);
  }
  const options = { ...spec.hyperparameters, optimizer: spec.optimizer, dim: spec.hyperparameters.dim ?? DEFAULT_DIM };
  return spec.type === 'logistic_regression' ? new LogisticRegression(options) : new LinearRegression(options);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_FORMATS: readonly unknown[] = [...LEARNER_FORMATS, 'modelyard.softmax-model'];

/**
 * The scalar settings of an options or optimizer state (learning rate, α, β, λ1, dim…), without
 * learned arrays or step counts, in key order: a state read back from a jsonb column has its keys
 * in Postgres' order, not the learner's.
 */
function settings(state: object): string {
  const scalars = Object.entries(state).filter(([key, v]) => key !== 'steps' && typeof v !== 'object');
  return JSON.stringify(scalars.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Whether a checkpointed model was made with this spec. A pipeline whose learner was changed since
 * (a tuning applied) has a checkpoint of the old configuration: its next update starts afresh.
 */
export function learnerMatches(spec: InProcessLearnerSpec, state: PipelineModelState): boolean {
  const fresh: Record<string, unknown> = { ...createLearner(spec).toJSON() };
  const stored: Record<string, unknown> = { ...state };
  const part = (s: Record<string, unknown>, key: string) => settings(isObject(s[key]) ? s[key] : {});
  return (
    fresh.format === stored.format &&
    fresh.kind === stored.kind &&
    // A tree's class labels (absent for 0/1 trees and softmax models, whose classes may grow).
    JSON.stringify(fresh.labels) === JSON.stringify(stored.labels) &&
    part(fresh, 'options') === part(stored, 'options') &&
    part(fresh, 'optimizer') === part(stored, 'optimizer')
  );
}

/** The linear learner of a pipeline (what a tuning searches), or a TypeError for any other. */
export function linearSpec(spec: LearnerSpec): BuiltinLearnerSpec {
  const inProcess = builtinSpec(spec);
  if (inProcess.type !== 'logistic_regression' && inProcess.type !== 'linear_regression') {
    throw new TypeError(`a ${inProcess.type} learner has no linear hyperparameters to search`);
  }
  return inProcess;
}

/**
 * A stored model's toJSON() (linear, Hoeffding tree or softmax): its envelope is checked here;
 * packages/learners checks the rest (kinds, sizes, optimizer, scaler and node states) as it restores
 * the model, and throws on a mismatch.
 */
export const LearnerState = z.custom<PipelineModelState>(
  (v) => isObject(v) && MODEL_FORMATS.includes(v.format) && v.version === 1 && isObject(v.options),
  'not a modelyard learner state (version 1)',
);

/** A stored numeric learner's toJSON() (a tuning trial's checkpoint). */
export const NumericLearnerState = z.custom<LearnerStateJson>(
  (v) => isObject(v) && LEARNER_FORMATS.includes(v.format as string) && v.version === 1 && isObject(v.options),
  'not a modelyard linear model or Hoeffding tree state (version 1)',
);

/** A stored ProgressiveValidator.toJSON() alone. */
export const NumericProgressJson = z.custom<ProgressiveState>(
  (v) => isObject(v) && Array.isArray(v.metrics) && Array.isArray(v.pending) && typeof v.delay === 'number',
  'not a progressive validator state',
);

/** A stored ProgressiveValidator.toJSON(), or a softmax model's multiclass metrics; checked as restored. */
export const ProgressiveStateJson = z.custom<LifetimeState>(
  (v) => isObject(v) && ((Array.isArray(v.metrics) && Array.isArray(v.pending) && typeof v.delay === 'number') || isObject(v.multiclass)),
  'not a progressive validator state',
);

export function restoreLearner(state: PipelineModelState): PipelineModel {
  if (state.format === 'modelyard.softmax-model') return SoftmaxRegression.fromJSON(state);
  if (state.format === 'modelyard.hoeffding-tree' && isLabelledTreeState(state)) return LabelledHoeffdingTree.fromJSON(state);
  return learnerFromJSON(state);
}

/** A model.json artifact (a learner's toJSON()) as a model; throws when it is not one. */
export function parseModelFile(bytes: Buffer): PipelineModel {
  return restoreLearner(LearnerState.parse(JSON.parse(bytes.toString('utf8'))));
}

/** The lifetime progressive metrics of a numeric learner's checkpoint, continuing on `model`. */
export function restoreLifetime(state: LifetimeState, model: OnlineLearner): Metric[] {
  if ('multiclass' in state) throw new TypeError('the checkpoint holds multiclass metrics, not a numeric learner’s');
  return ProgressiveValidator.fromJSON(state, model).metrics;
}

/** The metrics a numeric learner of this type reports. */
export function metricNames(type: Exclude<InProcessLearnerSpec['type'], 'softmax'>): MetricName[] {
  return isClassifier({ type }) ? ['accuracy', 'log_loss', 'roc_auc'] : ['mae', 'rmse'];
}

export function freshMetrics(type: Exclude<InProcessLearnerSpec['type'], 'softmax'>, window: number | null = null): Metric[] {
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
export function learnNumeric(model: OnlineLearner, from: LifetimeState | null, samples: readonly LabelledSample[]): Progress {
  const type = numericType(model);
  const lifetime = from ? restoreLifetime(from, model) : freshMetrics(type, LIFETIME_WINDOW);
  const before = metricValues(lifetime);
  const update = freshMetrics(type);
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
  /** A number (0/1 label, regression target) or, for a multiclass learner, a class label. */
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

/** The learner type of a numeric learner (its `kind` names it: linear models and the Hoeffding tree). */
function numericType(model: OnlineLearner): Exclude<InProcessLearnerSpec['type'], 'softmax'> {
  if (model instanceof HoeffdingTreeClassifier) return 'hoeffding_tree';
  return model instanceof LogisticRegression ? 'logistic_regression' : 'linear_regression';
}

/** The numeric target of a linear model's sample (a string label means the buffer was written around the checks). */
export function numericTarget(y: ClassLabel): number {
  if (typeof y !== 'number') throw new TypeError('a linear model learns numeric targets, not class labels');
  return y;
}

/** What a metric is fed: P(y = 1) for a classifier, the prediction for a regression. */
export function predictionFor(model: OnlineLearner, x: FeatureRecord): number {
  if (model instanceof LogisticRegression || model instanceof HoeffdingTreeClassifier) return model.predictProbaOne(x);
  return model.predictOne(x);
}

/**
 * The metric of `model` on labelled samples, without learning from them; NaN when the metric does
 * not apply to the model (macro_f1 of a numeric learner, roc_auc or mae of a softmax one).
 */
export function evaluate(model: PipelineModel, name: LearningMetric, samples: readonly LabelledSample[]): number {
  if (isMulticlassModel(model)) return multiclassValue(evaluateMulticlass(model, samples).report(), name);
  if (name === 'macro_f1') return NaN;
  const metric = createMetric(name, {});
  for (const s of samples) metric.update(numericTarget(s.y), predictionFor(model, s.x));
  return metric.get();
}

/** Whether two pipeline models can be compared on one metric (both predicting class labels, or both numbers). */
export function sameFamily(a: PipelineModel, b: PipelineModel): boolean {
  return isMulticlassModel(a) === isMulticlassModel(b);
}
