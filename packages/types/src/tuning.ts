import { z } from 'zod';
import { pageOf } from './common.js';
import { LearnerHyperparameters, LearnerOptimizer, LearningMetric } from './learning.js';
import { Direction } from './registry.js';

// ---------------------------------------------------------------- hyperparameter search (tuning)

const bound = z.number().min(0).max(1e6);

/**
 * A numeric range searched by a tuning. `log` spaces the values evenly in log10 (learning rates and
 * regularisation strengths span decades), so it needs min > 0; `linear` allows min = 0 (no λ1).
 */
export const TuneRange = z
  .strictObject({ min: bound, max: bound, scale: z.enum(['log', 'linear']).default('log') })
  .superRefine((r, ctx) => {
    if (!(r.min < r.max)) ctx.addIssue({ code: 'custom', path: ['max'], message: 'the range is empty: max must exceed min' });
    if (r.scale === 'log' && r.min <= 0) ctx.addIssue({ code: 'custom', path: ['min'], message: 'a log range needs min > 0' });
  });
export type TuneRange = z.infer<typeof TuneRange>;

/** A hash space to choose from (powers of two up to 2^20, as LearnerHyperparameters.dim). */
const Dim = z
  .number()
  .int()
  .min(1)
  .max(1 << 20);

/**
 * What a tuning searches: each given parameter varies over its range or choices; those left out
 * keep the pipeline's value. The names are the linear learners' (LearnerHyperparameters); any other
 * name is refused. `learningRate` drives sgd and adagrad, `alpha` and `beta` ftrl.
 */
export const TuneSpace = z
  .strictObject({
    optimizer: z.array(LearnerOptimizer).min(1).max(3).optional(),
    learningRate: TuneRange.optional(),
    alpha: TuneRange.optional(),
    beta: TuneRange.optional(),
    l1: TuneRange.optional(),
    l2: TuneRange.optional(),
    standardize: z.array(z.boolean()).min(1).max(2).optional(),
    dim: z.array(Dim).min(1).max(16).optional(),
  })
  .refine((s) => Object.keys(s).length > 0, { message: 'give at least one parameter to search' })
  .superRefine((s, ctx) => {
    // Step sizes must be positive (LearnerHyperparameters): a linear range may not start at 0 for them.
    for (const key of ['learningRate', 'alpha', 'beta'] as const) {
      if (s[key] && s[key].min <= 0) ctx.addIssue({ code: 'custom', path: [key, 'min'], message: `${key} must be > 0` });
    }
    for (const key of ['optimizer', 'standardize', 'dim'] as const) {
      const values: readonly unknown[] = s[key] ?? [];
      if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', path: [key], message: 'choices must be distinct' });
    }
  });
export type TuneSpace = z.infer<typeof TuneSpace>;

/**
 * Successive halving (ASHA): `trials` configurations start on the first `minSamples` samples; after
 * every rung the best 1/`eta` of those that finished it go on with `eta` times as many samples, up
 * to all of them (at most `maxSamples`, the most recent buffered samples; the gate's hold-out too).
 */
export const TuneBudget = z
  .strictObject({
    trials: z.number().int().min(2).max(256),
    eta: z.number().int().min(2).max(8).default(3),
    minSamples: z.number().int().min(10).max(1_000_000).optional(),
    maxSamples: z.number().int().min(20).max(100_000).default(20_000),
  })
  .superRefine((b, ctx) => {
    if (b.minSamples !== undefined && b.minSamples >= b.maxSamples)
      ctx.addIssue({ code: 'custom', path: ['minSamples'], message: 'must be below maxSamples' });
  });
export type TuneBudget = z.infer<typeof TuneBudget>;

/** How configurations are drawn from the space: quasi-random (low discrepancy) or pseudo-random. */
export const TuneSampler = z.enum(['sobol', 'halton', 'random']);
export type TuneSampler = z.infer<typeof TuneSampler>;

export const TuneBody = z.strictObject({
  space: TuneSpace,
  budget: TuneBudget,
  metric: LearningMetric,
  direction: Direction,
  sampler: TuneSampler.default('sobol'),
  /** Seeds the random sampler (and the quasi-random ones' order is fixed): a tuning is reproducible. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type TuneBody = z.infer<typeof TuneBody>;

export const TuningStatus = z.enum(['running', 'completed', 'failed']);
export type TuningStatus = z.infer<typeof TuningStatus>;
/** queued: has a rung to run; waiting: finished its rung, not promoted (yet); completed: ran every rung. */
export const TrialStatus = z.enum(['queued', 'running', 'waiting', 'completed', 'failed']);
export type TrialStatus = z.infer<typeof TrialStatus>;

/** A configuration a trial learns with: optimizer and the linear learner's options. */
export const TrialParams = z.object({ optimizer: LearnerOptimizer, hyperparameters: LearnerHyperparameters });
export type TrialParams = z.infer<typeof TrialParams>;

export const TrialEntry = z.object({
  index: z.number().int(),
  params: TrialParams,
  status: TrialStatus,
  /** The metric after each finished rung (progressive, over the first `rungs[k]` samples); null when undefined. */
  rungMetrics: z.array(z.number().nullable()),
  /** Samples learned by this trial (a resumed rung is not counted twice). */
  sampleUpdates: z.number().int(),
  detail: z.string().nullable(),
});
export type TrialEntry = z.infer<typeof TrialEntry>;

export const TuningResponse = z.object({
  id: z.uuid(),
  pipeline: z.string(),
  status: TuningStatus,
  metric: LearningMetric,
  direction: Direction,
  sampler: TuneSampler,
  space: z.record(z.string(), z.unknown()),
  budget: z.object({ trials: z.number().int(), eta: z.number().int(), minSamples: z.number().int(), maxSamples: z.number().int() }),
  /** Samples learned by the end of each rung. */
  rungs: z.array(z.number().int()),
  samples: z.number().int(),
  progress: z.object({ trialsFinished: z.number().int(), trials: z.number().int(), sampleUpdates: z.number().int() }),
  best: z.object({ index: z.number().int(), params: TrialParams, metric: z.number().nullable() }).nullable(),
  trials: z.array(TrialEntry),
  appliedBy: z.string().nullable(),
  appliedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type TuningResponse = z.infer<typeof TuningResponse>;

/** A tuning in a list: the summary without its trials. */
export const TuningSummary = TuningResponse.omit({ trials: true });
export type TuningSummary = z.infer<typeof TuningSummary>;
export const TuningPage = pageOf(TuningSummary);

export const RegisterTuningResponse = z.object({ tuning: z.uuid(), jobId: z.string() });
export type RegisterTuningResponse = z.infer<typeof RegisterTuningResponse>;
