import { z } from 'zod';
import { Direction, ModelName, VersionName } from './registry.js';
import { PageQuery, pageOf, safeString, safeText } from './common.js';

export const ExperimentKey = safeString()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'starts with a letter or digit; then letters, digits, . _ -');
export const VariantKey = safeString()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, _ and -');
/** Longest unit id, in UTF-16 code units (JavaScript string length). */
export const UNIT_ID_MAX_LENGTH = 256;
/**
 * The characters a unit id may hold: printable ones (Unicode letters, marks, numbers, punctuation
 * and symbols). No whitespace, no control or format characters (NUL, DEL, zero-width, bidi
 * overrides), no lone surrogates, no private-use or unassigned code points: such an id cannot be
 * stored by Postgres (NUL) or is a different id that looks the same in every log and console.
 * (`*`, not `+`: an empty id is refused once, by the length rule.)
 */
export const UNIT_ID_PATTERN = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]*$/u;
/** True when `unit` is a valid unit id; what every schema carrying one checks (and the SDK, locally). */
export function isUnitId(unit: string): boolean {
  return unit.length >= 1 && unit.length <= UNIT_ID_MAX_LENGTH && UNIT_ID_PATTERN.test(unit);
}
export const UnitId = safeString()
  .min(1)
  .max(UNIT_ID_MAX_LENGTH)
  .regex(UNIT_ID_PATTERN, 'printable characters only: letters, digits, punctuation and symbols; no whitespace or control characters');

export const ExperimentStatus = z.enum(['draft', 'running', 'stopped', 'concluded']);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

export const MetricKind = z.enum(['binomial', 'continuous']);
const MetricName = safeString()
  .min(1)
  .max(128)
  .regex(/^[\w.:-]+$/, 'letters, digits, _ . : -');

export const Variant = z.strictObject({ key: VariantKey, version: VersionName, weight: z.number().positive().max(1_000_000) });
export type Variant = z.infer<typeof Variant>;

export const PrimaryMetric = z.strictObject({ name: MetricName, kind: MetricKind, direction: Direction.default('higher') });
export const Guardrail = z.strictObject({
  name: MetricName,
  kind: MetricKind,
  direction: Direction,
  /** Largest tolerated relative degradation vs control, e.g. 0.05 = 5 % worse. */
  maxRelativeDegradation: z.number().min(0).max(10),
});

const variantsRule = (variants: Variant[], ctx: z.RefinementCtx) => {
  const keys = new Set<string>();
  variants.forEach((v, i) => {
    if (keys.has(v.key)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'key'], message: `duplicate variant '${v.key}'` });
    keys.add(v.key);
  });
};

/** `fixed`: the weights given; `bandit`: re-weighed every tick by Thompson sampling on the primary metric. */
export const ExperimentType = z.enum(['fixed', 'bandit']);
export type ExperimentType = z.infer<typeof ExperimentType>;

export const BanditSettings = z.strictObject({
  /** Every variant keeps at least this share of new units (the exploration floor). */
  floor: z.number().min(0.001).max(0.5).default(0.01),
  /** Units (all variants together) assigned with equal weights before the first re-weighing. */
  burnInUnits: z.number().int().min(0).max(1_000_000_000).default(1000),
});
export type BanditSettings = z.infer<typeof BanditSettings>;

/** A span of a bandit's life with one set of weights, from `from` until the next period's start. */
export const WeightPeriod = z.object({
  from: z.string(),
  weights: z.array(z.number()),
  /** Units per variant (in variant order) already counted when the period began. */
  unitsAtStart: z.array(z.number().int()),
});
export type WeightPeriod = z.infer<typeof WeightPeriod>;

export const CreateExperimentBody = z
  .strictObject({
    key: ExperimentKey,
    model: ModelName,
    description: safeText().max(4000).optional(),
    variants: z.array(Variant).min(2).max(20),
    control: VariantKey,
    coverage: z.number().min(0).max(1).default(1),
    seed: safeString().min(1).max(128).optional(),
    primaryMetric: PrimaryMetric,
    guardrails: z.array(Guardrail).max(20).default([]),
    minSampleSize: z.number().int().min(1).max(1e9).optional(),
    sequential: z.boolean().default(true),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** Needs the admin scope (automatic promotion acts with the rights of whoever enabled it). */
    autoPromote: z.boolean().default(false),
    /**
     * With autoPromote, set by a service creating the experiment for someone else (the learning
     * service, for the admin who enabled its pipeline's autoPromote): recorded as
     * `<onBehalfOf> via <caller>` and named in the registry's audit of the promotion.
     */
    onBehalfOf: safeString().min(1).max(256).optional(),
    maxDurationHours: z
      .number()
      .positive()
      .max(24 * 366)
      .optional(),
    type: ExperimentType.default('fixed'),
    /** Bandits only (defaults apply when omitted); a bandit starts with equal weights whatever the variants say. */
    bandit: BanditSettings.optional(),
  })
  .superRefine((b, ctx) => {
    variantsRule(b.variants, ctx);
    if (b.bandit && b.type !== 'bandit') ctx.addIssue({ code: 'custom', path: ['bandit'], message: "only with type: 'bandit'" });
    if (b.bandit && b.bandit.floor * b.variants.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['bandit', 'floor'],
        message: `at most 1/${b.variants.length} with ${b.variants.length} variants`,
      });
    }
    if (b.onBehalfOf !== undefined && !b.autoPromote) {
      ctx.addIssue({ code: 'custom', path: ['onBehalfOf'], message: 'only with autoPromote: true' });
    }
    if (!b.variants.some((v) => v.key === b.control)) {
      ctx.addIssue({ code: 'custom', path: ['control'], message: `'${b.control}' is not one of the variants` });
    }
  });
export type CreateExperimentBody = z.infer<typeof CreateExperimentBody>;

export const UpdateExperimentBody = z
  .strictObject({
    /** New weights by variant key; variants themselves cannot change once created. */
    weights: z.record(VariantKey, z.number().positive().max(1_000_000)).optional(),
    coverage: z.number().min(0).max(1).optional(),
    guardrails: z.array(Guardrail).max(20).optional(),
    description: safeText().max(4000).optional(),
    /** Turning it on needs the admin scope; turning it off, write. */
    autoPromote: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdateExperimentBody = z.infer<typeof UpdateExperimentBody>;

export const ListExperimentsQuery = PageQuery.extend({ status: ExperimentStatus.optional(), model: ModelName.optional() });
export type ListExperimentsQuery = z.infer<typeof ListExperimentsQuery>;

export const Recommendation = z.enum(['keep_running', 'ship', 'stop_guardrail', 'no_difference']);
export type Recommendation = z.infer<typeof Recommendation>;

export const Conclusion = z.object({
  /** The winning variant; null unless a treatment is significantly better with guardrails passing and no SRM. */
  winner: z.string().nullable(),
  recommendation: z.object({ action: Recommendation, variant: z.string().nullable(), reason: z.string() }),
  promoted: z.boolean(),
  /** Why promotion did not happen when it was asked for (e.g. the registry refused the transition). */
  promotionError: z.string().nullable(),
  /**
   * Set while the registry refuses the winner's promotion for missing approvals: each tick asks
   * again (with the same audit reason) and the promotion proceeds once they are given.
   */
  awaitingApprovals: z.object({ version: z.string(), reason: z.string() }).nullable().optional(),
  concludedBy: z.string(),
  concludedAt: z.string(),
  reason: z.string().nullable(),
});
export type Conclusion = z.infer<typeof Conclusion>;

export const ExperimentResponse = z.object({
  id: z.uuid(),
  key: z.string(),
  model: z.string(),
  description: z.string().nullable(),
  status: ExperimentStatus,
  variants: z.array(z.object({ key: z.string(), version: z.string(), weight: z.number() })),
  control: z.string(),
  coverage: z.number(),
  seed: z.string(),
  primaryMetric: z.object({ name: z.string(), kind: MetricKind, direction: Direction }),
  guardrails: z.array(z.object({ name: z.string(), kind: MetricKind, direction: Direction, maxRelativeDegradation: z.number() })),
  minSampleSize: z.number().nullable(),
  sequential: z.boolean(),
  alpha: z.number(),
  autoPromote: z.boolean(),
  /** Who turned autoPromote on (an admin); null while it is off. */
  autoPromoteEnabledBy: z.string().nullable(),
  maxDurationHours: z.number().nullable(),
  type: ExperimentType,
  bandit: z.object({ floor: z.number(), burnInUnits: z.number().int() }).nullable(),
  /** A bandit's weight periods in order (empty for fixed experiments and during the burn-in). */
  weightPeriods: z.array(WeightPeriod),
  revision: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  conclusion: Conclusion.nullable(),
});
export type ExperimentResponse = z.infer<typeof ExperimentResponse>;
export const ExperimentPage = pageOf(ExperimentResponse);

export const AssignmentQuery = z.strictObject({ unit: UnitId });
export const BatchAssignmentBody = z.strictObject({ units: z.array(UnitId).min(1).max(1000) });

export const AssignmentResponse = z.object({
  unit: z.string(),
  variant: z.string().nullable(),
  version: z.string().nullable(),
  inExperiment: z.boolean(),
  /** True when the variant came from the unit's earlier assignment rather than its hash today. */
  sticky: z.boolean(),
});
export type AssignmentResponse = z.infer<typeof AssignmentResponse>;

/** Everything the SDK needs to assign locally (same hash, same ranges). */
export const AssignmentConfigResponse = z.object({
  key: z.string(),
  status: ExperimentStatus,
  seed: z.string(),
  coverage: z.number(),
  hashVersion: z.literal(2),
  variants: z.array(z.object({ key: z.string(), version: z.string(), weight: z.number() })),
  revision: z.number().int(),
});
export type AssignmentConfigResponse = z.infer<typeof AssignmentConfigResponse>;

// ---------------------------------------------------------------- outcomes

const Timestamp = z.iso.datetime({ offset: true });

/** Most metrics a unit's exposure can carry a pre-period covariate for (primary + 20 guardrails). */
export const MAX_COVARIATES = 21;
/**
 * Pre-experiment covariates by metric (CUPED): e.g. the unit's value of the metric over the two
 * weeks before it was exposed. Measured before assignment, so the treatment cannot move it.
 */
const Covariates = z
  .record(MetricName, z.number())
  .refine((c) => Object.keys(c).length <= MAX_COVARIATES, { message: `at most ${MAX_COVARIATES} covariates` });

/** Dimensions an experiment breaks its results down by (the first names its exposures carry). */
export const MAX_DIMENSIONS = 5;
/** Values per dimension with their own slice; later ones are pooled into `other`. */
export const MAX_DIMENSION_VALUES = 20;
export const DIMENSION_OTHER = 'other';
const DimensionName = safeString()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'letters, digits, _ . : -');
const DimensionValue = safeString()
  .min(1)
  .max(64)
  .regex(/^[^|]+$/, 'no |');
/** Attributes of the unit at its first exposure (e.g. country, platform), for breakdowns. */
const Dimensions = z
  .record(DimensionName, DimensionValue)
  .refine((d) => Object.keys(d).length <= MAX_DIMENSIONS, { message: `at most ${MAX_DIMENSIONS} dimensions` });

export const ExposuresBody = z.strictObject({
  exposures: z
    .array(
      z.strictObject({
        unit: UnitId,
        variant: VariantKey.optional(),
        ts: Timestamp.optional(),
        covariates: Covariates.optional(),
        dimensions: Dimensions.optional(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type ExposuresBody = z.infer<typeof ExposuresBody>;

export const EventsBody = z.strictObject({
  events: z
    .array(
      z.strictObject({
        unit: UnitId,
        variant: VariantKey.optional(),
        metric: MetricName,
        value: z.number(),
        ts: Timestamp.optional(),
        /** True: `value` is the unit's pre-experiment covariate for `metric` (CUPED), not an outcome. */
        covariate: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type EventsBody = z.infer<typeof EventsBody>;

export const IngestResponse = z.object({
  accepted: z.number().int(),
  /** Rows for units outside the experiment (coverage): not an error, just not counted. */
  ignored: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponse>;

/**
 * Sufficient statistics of one metric in one variant, over exposed units: Σy and Σy², and with a
 * pre-experiment covariate x (CUPED) Σx, Σx² and Σxy (units without one count x = 0).
 */
export const MetricSummary = z.object({
  n: z.number().int(),
  sum: z.number(),
  sumSquares: z.number(),
  covariate: z.object({ sum: z.number(), sumSquares: z.number(), crossProducts: z.number() }).optional(),
});
export type MetricSummary = z.infer<typeof MetricSummary>;

// ---------------------------------------------------------------- results

const Interval = z.tuple([z.number(), z.number()]);

/** A comparison on the metric adjusted with its pre-experiment covariate (CUPED). */
export const CupedComparison = z.object({
  /** Pooled within-variant Cov(y, x)/Var(x). */
  theta: z.number(),
  /** Share of the metric's variance removed by the adjustment (pooled within-variant ρ²). */
  varianceReduction: z.number(),
  diff: z.number(),
  diffCi: Interval,
  relativeLift: z.number().nullable(),
  relativeLiftCi: Interval.nullable(),
  pValue: z.number(),
  sequentialPValue: z.number().nullable(),
  sequentialCi: Interval.nullable(),
});

export const ResultsResponse = z.object({
  experiment: z.string(),
  status: ExperimentStatus,
  computedAt: z.string(),
  alpha: z.number(),
  sequential: z.boolean(),
  variants: z.array(
    z.object({
      key: z.string(),
      version: z.string(),
      units: z.number().int(),
      /**
       * Per metric: mean over exposed units and its (fixed-horizon) confidence interval; with a
       * covariate, the CUPED-adjusted mean and interval too (null without one).
       */
      metrics: z.record(
        z.string(),
        z.object({
          mean: z.number().nullable(),
          ci: Interval.nullable(),
          adjusted: z.object({ mean: z.number(), ci: Interval }).nullable(),
        }),
      ),
    }),
  ),
  /** Each treatment against the control, on every metric. */
  comparisons: z.array(
    z.object({
      variant: z.string(),
      metric: z.string(),
      test: z.enum(['z', 'welch']),
      diff: z.number().nullable(),
      diffCi: Interval.nullable(),
      relativeLift: z.number().nullable(),
      relativeLiftCi: Interval.nullable(),
      pValue: z.number().nullable(),
      /** Always-valid p-value and confidence sequence (safe to peek); null when sequential is off. */
      sequentialPValue: z.number().nullable(),
      sequentialCi: Interval.nullable(),
      chanceToBeatControl: z.number().nullable(),
      /**
       * Expected loss, in relative lift, of shipping the treatment (or keeping the control) if that
       * choice is the wrong one: E[max(0, −lift)] under the same posterior as chanceToBeatControl.
       */
      risk: z.object({ treatment: z.number(), control: z.number() }).nullable(),
      /**
       * The same comparison on the CUPED-adjusted metric (null without a covariate). When present,
       * chanceToBeatControl, risk, the adjusted values and significant are read from it.
       */
      cuped: CupedComparison.nullable(),
      /** The deciding p-value, Holm–Bonferroni adjusted across the treatments (unchanged with one). */
      adjustedPValue: z.number().nullable(),
      /** Interval on the difference at level 1 − alpha/(treatments) (a confidence sequence when sequential). */
      adjustedCi: Interval.nullable(),
      /** Significant at alpha by the adjusted p-value the experiment decides on (sequential or fixed). */
      significant: z.boolean(),
    }),
  ),
  /**
   * Sample-ratio mismatch against the weights in force: the chi-square test (fixed-horizon, for
   * reference) and the always-valid Dirichlet-multinomial test (Lindon & Malek), which flags it.
   */
  srm: z.object({
    statistic: z.number().nullable(),
    pValue: z.number().nullable(),
    sequentialPValue: z.number().nullable(),
    flagged: z.boolean(),
    /** A bandit's expected shares: the weights in force as its units arrived (other experiments: the weights). */
    expectedShares: z.array(z.number()).optional(),
  }),
  /** Bandits only: the weights now and, per weight period, the units each variant received in it. */
  bandit: z
    .object({
      weights: z.array(z.number()),
      periods: z.array(z.object({ from: z.string(), weights: z.array(z.number()), units: z.array(z.number().int()) })),
    })
    .optional(),
  guardrails: z.array(
    z.object({
      variant: z.string(),
      metric: z.string(),
      relativeChange: z.number().nullable(),
      maxRelativeDegradation: z.number(),
      verdict: z.enum(['pass', 'warn', 'fail', 'insufficient_data']),
    }),
  ),
  power: z.object({
    /** Units per arm needed to detect the observed effect of the best treatment with 80 % power. */
    unitsPerArmNeeded: z.number().nullable(),
    /** Smallest relative effect detectable with 80 % power at the current units per arm. */
    minimumDetectableEffect: z.number().nullable(),
  }),
  recommendation: z.object({ action: Recommendation, variant: z.string().nullable(), reason: z.string() }),
  /**
   * The primary metric per dimension value (slice), exploratory: p-values and intervals are
   * Bonferroni-adjusted for the number of slice comparisons, and never drive the recommendation.
   */
  breakdowns: z.array(
    z.object({
      dimension: z.string(),
      value: z.string(),
      exploratory: z.literal(true),
      variants: z.array(z.object({ variant: z.string(), units: z.number().int(), mean: z.number().nullable() })),
      comparisons: z.array(
        z.object({
          variant: z.string(),
          diff: z.number().nullable(),
          /** At level 1 − alpha/(slice comparisons). */
          adjustedCi: Interval.nullable(),
          pValue: z.number().nullable(),
          /** min(1, p × slice comparisons). */
          adjustedPValue: z.number().nullable(),
          significant: z.boolean(),
        }),
      ),
    }),
  ),
});
export type ResultsResponse = z.infer<typeof ResultsResponse>;

/** Results over time: the comparisons as they stood at each stored snapshot of the statistics. */
export const ResultsHistoryResponse = z.object({
  experiment: z.string(),
  points: z.array(
    z.object({
      at: z.string(),
      units: z.array(z.object({ variant: z.string(), units: z.number().int() })),
      comparisons: ResultsResponse.shape.comparisons,
    }),
  ),
});
export type ResultsHistoryResponse = z.infer<typeof ResultsHistoryResponse>;

// ---------------------------------------------------------------- conclusion

export const ConcludeBody = z.strictObject({
  /** Promote the winner's version to production in the registry (default: the experiment's autoPromote). */
  promote: z.boolean().optional(),
  reason: safeText().max(1000).optional(),
});
export type ConcludeBody = z.infer<typeof ConcludeBody>;

export const ConcludeResponse = z.object({ experiment: ExperimentResponse, conclusion: Conclusion });

// ---------------------------------------------------------------- planning

export const PlanBody = z
  .strictObject({
    metric: MetricKind,
    /** The control's current value: `rate` for a binomial metric, `mean` and `sd` for a continuous one. */
    baseline: z.strictObject({
      rate: z.number().gt(0).lt(1).optional(),
      mean: z.number().optional(),
      sd: z.number().positive().optional(),
    }),
    /** Smallest effect worth detecting: relative to the baseline (0.05 = +5 %) or in the metric's units. */
    mde: z.strictObject({ value: z.number().positive(), type: z.enum(['relative', 'absolute']).default('relative') }),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    power: z.number().gte(0.5).lt(1).default(0.8),
    /** Variants including control. */
    variants: z.number().int().min(2).max(20).default(2),
    /** Plan for the always-valid (sequential) test the experiment will decide on. */
    sequential: z.boolean().default(true),
    /** Units entering the experiment per day, over all variants: the plan then gives days too. */
    dailyUnits: z.number().int().positive().max(1e12).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.metric === 'binomial' && b.baseline.rate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseline', 'rate'], message: 'a binomial metric needs the baseline rate' });
    }
    if (b.metric === 'continuous') {
      for (const field of ['mean', 'sd'] as const) {
        if (b.baseline[field] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['baseline', field], message: `a continuous metric needs the baseline ${field}` });
        }
      }
    }
  });
export type PlanBody = z.infer<typeof PlanBody>;

const PlanHorizon = z.object({
  unitsPerVariant: z.number().int(),
  totalUnits: z.number().int(),
  /** Days at `dailyUnits` (null without it). */
  days: z.number().int().nullable(),
});

export const PlanResponse = z.object({
  metric: MetricKind,
  /** The mde in the metric's units. */
  absoluteEffect: z.number(),
  /** Cohen's d (continuous) or h (binomial, arcsine-transformed rates). */
  effectSize: z.number(),
  /** Level of each treatment-vs-control test: alpha / (variants − 1) (Bonferroni, Holm's worst case). */
  alphaPerComparison: z.number(),
  /** The fixed-horizon test, analysed once at the end. */
  fixed: PlanHorizon,
  /**
   * The always-valid test, safe to check at any time: the units it needs at most, and its cost,
   * the share of extra units over the fixed design (null when sequential is false).
   */
  sequential: PlanHorizon.extend({ extraUnitsShare: z.number() }).nullable(),
});
export type PlanResponse = z.infer<typeof PlanResponse>;
