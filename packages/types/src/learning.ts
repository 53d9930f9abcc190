import { z } from 'zod';
import { PageQuery, pageOf, safeString, safeText } from './common.js';
import { UpdateReason } from './queues.js';
import { Direction, ModelName } from './registry.js';

// ---------------------------------------------------------------- pipelines

export const PipelineName = safeString()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'starts with a letter or digit; then letters, digits, . _ -');

/** A pipeline route parameter: its id (UUID) or its name. */
export const PipelineRef = safeString().min(1).max(128);

export const PipelineState = z.enum(['active', 'paused']);
export type PipelineState = z.infer<typeof PipelineState>;

export const LearnerType = z.enum(['logistic_regression', 'linear_regression']);
export type LearnerType = z.infer<typeof LearnerType>;
export const LearnerOptimizer = z.enum(['sgd', 'adagrad', 'ftrl']);

const positive = z.number().positive().max(1e6);

/** The options of packages/learners' linear models (see LinearModelOptions there). */
export const LearnerHyperparameters = z.strictObject({
  learningRate: positive.optional(),
  schedule: z.enum(['constant', 'invscaling']).optional(),
  powerT: z.number().min(0).max(10).optional(),
  epsilon: positive.optional(),
  alpha: positive.optional(),
  beta: positive.optional(),
  l1: z.number().min(0).max(1e6).optional(),
  l2: z.number().min(0).max(1e6).optional(),
  intercept: z.boolean().optional(),
  standardize: z.boolean().optional(),
  /** Hash space the feature records are hashed into. Default 4096 (2^12). */
  dim: z
    .number()
    .int()
    .min(1)
    .max(1 << 20)
    .optional(),
  hashSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
});
export type LearnerHyperparameters = z.infer<typeof LearnerHyperparameters>;

/** A learner of packages/learners, trained in-process by the service's update jobs. */
export const BuiltinLearnerSpec = z.strictObject({
  type: LearnerType,
  optimizer: LearnerOptimizer.default('ftrl'),
  hyperparameters: LearnerHyperparameters.default({}),
});
export type BuiltinLearnerSpec = z.infer<typeof BuiltinLearnerSpec>;

/** What an external learner predicts: decides the labels samples must carry and the gate's metrics. */
export const ExternalTask = z.enum(['classification', 'regression']);
export type ExternalTask = z.infer<typeof ExternalTask>;

/**
 * A learner trained outside the service (Python, Spark, GPUs): its update jobs are claimed over HTTP
 * by an external worker (see external-jobs.ts), never trained in-process.
 */
export const ExternalLearnerSpec = z.strictObject({
  type: z.literal('external'),
  /** classification: labels 0/1 (accuracy, log_loss, roc_auc); regression: finite targets (mae, rmse). */
  task: ExternalTask.default('classification'),
});
export type ExternalLearnerSpec = z.infer<typeof ExternalLearnerSpec>;

/** A multiclass label: a string (short enough to name a metric, `f1[label]`) or an integer. */
export const ClassLabel = z.union([
  safeString().min(1).max(100),
  z
    .number()
    .int()
    .min(-(2 ** 53) + 1)
    .max(2 ** 53 - 1),
]);
export type ClassLabel = z.infer<typeof ClassLabel>;

/**
 * A Hoeffding tree classifier of packages/learners (HoeffdingTreeClassifier; see its options there),
 * trained in-process. Its options sit beside `type`; omitted ones take MOA's defaults. Without
 * `classes` samples carry 0/1 labels (binary metrics); with `classes` they carry class labels from
 * that fixed set (strings or integers, as softmax) and the pipeline is multiclass (isMulticlass).
 */
export const HoeffdingTreeLearnerSpec = z.strictObject({
  type: z.literal('hoeffding_tree'),
  gracePeriod: z.number().int().min(1).max(1_000_000).optional(),
  delta: z.number().positive().max(1).optional(),
  tau: z.number().min(0).max(1).optional(),
  leafPrediction: z.enum(['mc', 'nb', 'nba']).optional(),
  nbThreshold: z.number().min(0).max(1e9).optional(),
  numericSplits: z.number().int().min(1).max(1000).optional(),
  maxDepth: z.number().int().min(0).max(64).optional(),
  /** Bounds the model.json too: each active leaf keeps per-class statistics of every feature. */
  maxLeaves: z.number().int().min(1).max(5000).optional(),
  /** The class labels, fixed: the tree sizes each leaf's per-class statistics by them. */
  classes: z.array(ClassLabel).min(2).max(100).optional(),
});
export type HoeffdingTreeLearnerSpec = z.infer<typeof HoeffdingTreeLearnerSpec>;

/**
 * Multinomial logistic regression (packages/learners' SoftmaxRegression) with the linear models'
 * optimizers and hyperparameters. Samples carry class labels (strings or integers). With `classes`
 * the set is fixed and samples with another label are refused; without it the set grows as labels
 * appear.
 */
export const SoftmaxLearnerSpec = z.strictObject({
  type: z.literal('softmax'),
  optimizer: LearnerOptimizer.default('ftrl'),
  hyperparameters: LearnerHyperparameters.default({}),
  classes: z.array(ClassLabel).min(2).max(1000).optional(),
});
export type SoftmaxLearnerSpec = z.infer<typeof SoftmaxLearnerSpec>;

export const LearnerSpec = z.discriminatedUnion('type', [
  BuiltinLearnerSpec,
  ExternalLearnerSpec,
  HoeffdingTreeLearnerSpec,
  SoftmaxLearnerSpec,
]);
export type LearnerSpec = z.infer<typeof LearnerSpec>;

/** Whether a pipeline's samples carry labels (0/1, or class labels when isMulticlass) rather than finite targets. */
export function isClassifier(
  spec: Pick<BuiltinLearnerSpec | HoeffdingTreeLearnerSpec | SoftmaxLearnerSpec, 'type'> | ExternalLearnerSpec,
): boolean {
  if (spec.type === 'hoeffding_tree') return true;
  return spec.type === 'external' ? spec.task === 'classification' : spec.type === 'logistic_regression';
}

/** Whether a pipeline's samples carry class labels (a softmax learner, or a Hoeffding tree given `classes`). */
export function isMulticlass(spec: { type: string; classes?: readonly unknown[] | undefined }): boolean {
  return spec.type === 'softmax' || (spec.type === 'hoeffding_tree' && spec.classes !== undefined);
}

/** The fixed class set of a multiclass learner, or null (a softmax learner without `classes` grows its set). */
export function fixedClasses(spec: LearnerSpec): readonly ClassLabel[] | null {
  return (spec.type === 'softmax' || spec.type === 'hoeffding_tree') && spec.classes ? spec.classes : null;
}

export const FeatureKind = z.enum(['numeric', 'categorical', 'boolean']);
export type FeatureKind = z.infer<typeof FeatureKind>;
const FieldName = safeString()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z_][\w.-]*$/, 'starts with a letter or _; then letters, digits, _ . -');
export const PipelineFeature = z.strictObject({ name: FieldName, kind: FeatureKind });
export type PipelineFeature = z.infer<typeof PipelineFeature>;

export const Strategy = z.enum(['incremental', 'mini_batch', 'periodic', 'adaptive']);
export type Strategy = z.infer<typeof Strategy>;

/** macro_f1 (the unweighted mean of the per-class F1 scores) is for multiclass learners. */
export const LearningMetric = z.enum(['accuracy', 'log_loss', 'roc_auc', 'mae', 'rmse', 'macro_f1']);
export type LearningMetric = z.infer<typeof LearningMetric>;

export const Gate = z.strictObject({
  metric: LearningMetric,
  direction: Direction,
  /** How much worse than production (absolute, on `metric`) the candidate may be and still pass. */
  tolerance: z.number().min(0).max(1e9).default(0),
  /** The most recent samples of each update are held out for the gate (and learned by the next update). */
  holdout: z.number().int().min(1).max(100_000).default(200),
});
export type Gate = z.infer<typeof Gate>;

/** Stages a new version may be moved to; production is entered only through the registry's promotion. */
export const RegisterStage = z.enum(['draft', 'testing', 'staging']);
export const RegisterSpec = z.strictObject({
  stage: RegisterStage.default('staging'),
  /** Start an experiment: the new version (challenger) against the production version (control). */
  startExperiment: z.boolean().default(false),
  /** Primary metric of that experiment (binomial, higher is better). */
  experimentMetric: safeString()
    .min(1)
    .max(128)
    .regex(/^[\w.:-]+$/)
    .default('conversion'),
  /**
   * Let that experiment conclude and promote on its own: it is created sequential (always-valid
   * p-values, safe to check continuously) with `autoPromote`, so the experiments service promotes
   * the challenger once the sequential test finds it better. Default false: a human concludes.
   * Turning it on needs the admin scope: the promotion is made for whoever turned it on.
   */
  autoPromote: z.boolean().default(false),
});
export type RegisterSpec = z.infer<typeof RegisterSpec>;

export const Schedule = z.strictObject({
  everySeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600),
});
export const AdaptiveSpec = z.strictObject({
  metric: LearningMetric,
  /** Update when the current model's metric on a new batch is worse than its progressive value by this much. */
  dropThreshold: z.number().positive().max(1e9),
});

/** What a drift-triggered update starts from: the current model, or a fresh learner. */
export const OnDrift = z.enum(['warm_start', 'reset']);

/** The metrics a learner's gate (and adaptive strategy) can use, and how to say so. */
function metricsFor(learner: LearnerSpec): { metrics: readonly string[]; expected: string } {
  if (isMulticlass(learner))
    return { metrics: ['accuracy', 'log_loss', 'macro_f1'], expected: 'a multiclass learner uses accuracy, log_loss or macro_f1' };
  if (isClassifier(learner))
    return { metrics: ['accuracy', 'log_loss', 'roc_auc'], expected: 'a classifier uses accuracy, log_loss or roc_auc' };
  return { metrics: ['mae', 'rmse'], expected: 'a regression uses mae or rmse' };
}

type Issue = { path: (string | number)[]; message: string };

/** Rules across fields of a whole pipeline (a created one, or an existing one after a change). */
export function pipelineIssues(b: {
  learner: LearnerSpec;
  features: PipelineFeature[];
  target: string;
  strategy: Strategy;
  maxBuffer: number;
  schedule?: unknown;
  adaptive?: { metric: string } | null;
  gate: Gate;
}): Issue[] {
  const issues: Issue[] = [];
  if (b.strategy === 'periodic' && !b.schedule) issues.push({ path: ['schedule'], message: 'required with strategy periodic' });
  if (b.strategy === 'adaptive' && !b.adaptive) issues.push({ path: ['adaptive'], message: 'required with strategy adaptive' });
  const names = new Set<string>();
  b.features.forEach((f, i) => {
    if (names.has(f.name)) issues.push({ path: ['features', i, 'name'], message: `duplicate feature '${f.name}'` });
    if (f.name === b.target) issues.push({ path: ['features', i, 'name'], message: 'the target cannot also be a feature' });
    names.add(f.name);
  });
  // The adaptive strategy measures the current model in-process, which an external learner does not have.
  if (b.learner.type === 'external' && b.strategy === 'adaptive')
    issues.push({ path: ['strategy'], message: 'an external learner uses incremental, mini_batch or periodic' });
  const { metrics, expected } = metricsFor(b.learner);
  const fits = (metric: string) => metrics.includes(metric);
  const classes = fixedClasses(b.learner);
  if (classes && new Set(classes).size !== classes.length)
    issues.push({ path: ['learner', 'classes'], message: 'each class is listed once' });
  if (!fits(b.gate.metric)) issues.push({ path: ['gate', 'metric'], message: expected });
  if (b.adaptive && !fits(b.adaptive.metric)) issues.push({ path: ['adaptive', 'metric'], message: expected });
  if (b.maxBuffer <= b.gate.holdout)
    issues.push({ path: ['maxBuffer'], message: 'must exceed gate.holdout (the held-out samples stay buffered)' });
  return issues;
}

export const CreatePipelineBody = z
  .strictObject({
    name: PipelineName,
    model: ModelName,
    description: safeText().max(4000).optional(),
    learner: LearnerSpec,
    features: z.array(PipelineFeature).min(1).max(1000),
    target: FieldName,
    strategy: Strategy,
    /** incremental: most samples per update; mini_batch: samples per update. */
    batchSize: z.number().int().min(1).max(100_000).default(100),
    /** No update runs before the model could learn this many samples. */
    minSamples: z.number().int().min(1).max(10_000_000).default(1),
    /** Buffer bound; past it the oldest samples are dropped (and counted). */
    maxBuffer: z.number().int().min(2).max(1_000_000).default(100_000),
    schedule: Schedule.optional(),
    adaptive: AdaptiveSpec.optional(),
    gate: Gate,
    register: RegisterSpec.default({ stage: 'staging', startExperiment: false, experimentMetric: 'conversion', autoPromote: false }),
    onDrift: OnDrift.default('warm_start'),
  })
  .superRefine((b, ctx) => {
    for (const issue of pipelineIssues(b)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type CreatePipelineBody = z.infer<typeof CreatePipelineBody>;

/** Learner, features and target are fixed: checkpoints and registered versions depend on them. */
export const UpdatePipelineBody = z
  .strictObject({
    description: safeText().max(4000).nullable().optional(),
    strategy: Strategy.optional(),
    batchSize: z.number().int().min(1).max(100_000).optional(),
    minSamples: z.number().int().min(1).max(10_000_000).optional(),
    maxBuffer: z.number().int().min(2).max(1_000_000).optional(),
    schedule: Schedule.nullable().optional(),
    adaptive: AdaptiveSpec.nullable().optional(),
    gate: Gate.optional(),
    register: RegisterSpec.optional(),
    onDrift: OnDrift.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdatePipelineBody = z.infer<typeof UpdatePipelineBody>;

export const ListPipelinesQuery = PageQuery.extend({ model: ModelName.optional(), state: PipelineState.optional() });
export type ListPipelinesQuery = z.infer<typeof ListPipelinesQuery>;

export const PipelineResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  model: z.string(),
  description: z.string().nullable(),
  state: PipelineState,
  learner: LearnerSpec,
  features: z.array(PipelineFeature),
  target: z.string(),
  strategy: Strategy,
  batchSize: z.number().int(),
  minSamples: z.number().int(),
  maxBuffer: z.number().int(),
  schedule: Schedule.nullable(),
  adaptive: AdaptiveSpec.nullable(),
  gate: Gate,
  register: RegisterSpec,
  /** Who turned `register.autoPromote` on (an admin); null while it is off. */
  autoPromoteEnabledBy: z.string().nullable(),
  onDrift: OnDrift,
  currentVersion: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PipelineResponse = z.infer<typeof PipelineResponse>;
export const PipelinePage = pageOf(PipelineResponse);

// ---------------------------------------------------------------- samples

export const SampleValue = z.union([z.number(), safeString().max(1024), z.boolean(), z.null()]);
/**
 * One labelled sample: the pipeline's features by name plus its target field. Checked against the
 * pipeline's schema by the service (a bad row fails the whole batch, naming `samples.<i>.<field>`).
 */
export const SampleRow = z.record(safeString().max(128), SampleValue);
export type SampleRow = z.infer<typeof SampleRow>;
export const SamplesBody = z.strictObject({ samples: z.array(SampleRow).min(1).max(10_000) });
export type SamplesBody = z.infer<typeof SamplesBody>;

export const SamplesResponse = z.object({
  accepted: z.number().int(),
  bufferSize: z.number().int(),
  /** Oldest samples dropped by this batch because the buffer was full. */
  dropped: z.number().int(),
  /** The update this batch triggered, if the strategy asked for one. */
  updateJobId: z.string().nullable(),
});
export type SamplesResponse = z.infer<typeof SamplesResponse>;

// ---------------------------------------------------------------- updates, status, history

export const UpdateOutcome = z.enum(['registered', 'rejected', 'skipped', 'failed']);
export type UpdateOutcome = z.infer<typeof UpdateOutcome>;

export const GateResult = z.object({
  metric: LearningMetric,
  direction: Direction,
  tolerance: z.number(),
  holdout: z.number().int(),
  candidate: z.number().nullable(),
  production: z.number().nullable(),
  productionVersion: z.string().nullable(),
  passed: z.boolean(),
  reason: z.string(),
});
export type GateResult = z.infer<typeof GateResult>;

export const UpdateEntry = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  reason: UpdateReason,
  outcome: UpdateOutcome,
  samples: z.number().int(),
  holdout: z.number().int(),
  metricsBefore: z.record(z.string(), z.number().nullable()),
  metricsAfter: z.record(z.string(), z.number().nullable()),
  gate: GateResult.nullable(),
  version: z.string().nullable(),
  experimentKey: z.string().nullable(),
  driftReportId: z.string().nullable(),
  detail: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type UpdateEntry = z.infer<typeof UpdateEntry>;
export const UpdatePage = pageOf(UpdateEntry);

export const StatusResponse = z.object({
  pipeline: z.string(),
  state: PipelineState,
  bufferSize: z.number().int(),
  droppedTotal: z.number().int(),
  samplesSeen: z.number().int(),
  updating: z.boolean(),
  currentVersion: z.string().nullable(),
  lastUpdate: UpdateEntry.nullable(),
  /** Progressive (test-then-train) metrics of the current model over its most recent samples. */
  metrics: z.record(z.string(), z.number().nullable()),
});
export type StatusResponse = z.infer<typeof StatusResponse>;

export const TriggerResponse = z.object({ jobId: z.string(), reason: UpdateReason });
export type TriggerResponse = z.infer<typeof TriggerResponse>;
