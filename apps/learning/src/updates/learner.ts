import {
  createMetric,
  HoeffdingTreeClassifier,
  LEARNER_FORMATS,
  learnerFromJSON,
  LinearRegression,
  LogisticRegression,
  ProgressiveValidator,
  type FeatureRecord,
  type LearnerState as LearnerStateJson,
  type Metric,
  type MetricName,
  type OnlineLearner,
  type ProgressiveState,
} from '@modelyard/learners';
import {
  isClassifier,
  type BuiltinLearnerSpec,
  type ExternalLearnerSpec,
  type LearnerSpec,
  type PipelineFeature,
  type SampleRow,
} from '@modelyard/types';
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

/** The in-process learner of a pipeline; an external learner has none (its jobs go to workers). */
export function builtinSpec(spec: LearnerSpec): InProcessLearnerSpec {
  if (spec.type === 'external') throw new TypeError('an external learner is trained by external workers, not in-process');
  return spec;
}

export function createLearner(spec: InProcessLearnerSpec): OnlineLearner {
  if (spec.type === 'hoeffding_tree') {
    const { type: _type, ...options } = spec;
    return new HoeffdingTreeClassifier(options);
  }
  const options = { ...spec.hyperparameters, optimizer: spec.optimizer, dim: spec.hyperparameters.dim ?? DEFAULT_DIM };
  return spec.type === 'logistic_regression' ? new LogisticRegression(options) : new LinearRegression(options);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
export function learnerMatches(spec: InProcessLearnerSpec, state: LearnerStateJson): boolean {
  const fresh: Record<string, unknown> = { ...createLearner(spec).toJSON() };
  const stored: Record<string, unknown> = { ...state };
  const part = (s: Record<string, unknown>, key: string) => settings(isObject(s[key]) ? s[key] : {});
  return (
    fresh.format === stored.format &&
    fresh.kind === stored.kind &&
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
 * A stored learner's toJSON() (a linear model or a Hoeffding tree): its envelope is checked here;
 * packages/learners checks the rest (kinds, sizes, optimizer, scaler and node states) as it restores
 * the model, and throws on a mismatch.
 */
export const LearnerState = z.custom<LearnerStateJson>(
  (v) => isObject(v) && typeof v.format === 'string' && LEARNER_FORMATS.includes(v.format) && v.version === 1 && isObject(v.options),
  'not a modelyard learner state (version 1)',
);

/** A stored ProgressiveValidator.toJSON(); its metric states are checked as they are restored. */
export const ProgressiveStateJson = z.custom<ProgressiveState>(
  (v) => isObject(v) && Array.isArray(v.metrics) && Array.isArray(v.pending) && typeof v.delay === 'number',
  'not a progressive validator state',
);

export function restoreLearner(state: LearnerStateJson): OnlineLearner {
  return learnerFromJSON(state);
}

/** A model.json artifact (a learner's toJSON()) as a model; throws when it is not one. */
export function parseModelFile(bytes: Buffer): OnlineLearner {
  return restoreLearner(LearnerState.parse(JSON.parse(bytes.toString('utf8'))));
}

/** The lifetime progressive metrics of a checkpoint, continuing on `model`. */
export function restoreLifetime(state: ProgressiveState, model: OnlineLearner): Metric[] {
  return ProgressiveValidator.fromJSON(state, model).metrics;
}

/** The metrics a learner of this type reports. */
export function metricNames(type: InProcessLearnerSpec['type']): MetricName[] {
  return isClassifier({ type }) ? ['accuracy', 'log_loss', 'roc_auc'] : ['mae', 'rmse'];
}

export function freshMetrics(type: InProcessLearnerSpec['type'], window: number | null = null): Metric[] {
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

export interface LabelledSample {
  x: FeatureRecord;
  y: number;
}

/**
 * A buffered row as a labelled sample. The target was checked to be a finite number when the row
 * was accepted (sample-validation.ts); anything else means the buffer was written around it.
 */
export function toSample(row: SampleRow, features: readonly PipelineFeature[], target: string): LabelledSample {
  const y = row[target];
  if (typeof y !== 'number') throw new TypeError(`buffered sample without a numeric '${target}'`);
  return { x: toRecord(row, features), y };
}

/** What a metric is fed: P(y = 1) for a classifier, the prediction for a regression. */
export function predictionFor(model: OnlineLearner, x: FeatureRecord): number {
  if (model instanceof LogisticRegression || model instanceof HoeffdingTreeClassifier) return model.predictProbaOne(x);
  return model.predictOne(x);
}

/** The metric of `model` on labelled samples, without learning from them. */
export function evaluate(model: OnlineLearner, name: MetricName, samples: readonly LabelledSample[]): number {
  const metric = createMetric(name, {});
  for (const s of samples) metric.update(s.y, predictionFor(model, s.x));
  return metric.get();
}
