import {
  chanceToBeatControl,
  minimumDetectableEffect,
  normPpf,
  relativeLift,
  sampleSize,
  sequentialTest,
  srm,
  welchTTest,
  zTestProportions,
  type ArmSummary,
} from '@modelyard/stats';
import type { MetricSummary, ResultsResponse, Variant } from '@modelyard/types';
import type { GuardrailDef, MetricDef } from '../experiments/experiment.js';
import { cupedComparison, cupedMetric, type CupedMetric } from './cuped-results.js';
import { guardrailVerdict, recommend, type Comparison } from './recommendation.js';

/** SRM is flagged at this p-value: strict, because a false alarm stops a healthy experiment. */
export const SRM_ALPHA = 0.001;
const POWER = 0.8;
const NO_UNITS: MetricSummary = { n: 0, sum: 0, sumSquares: 0 };

type MetricResult = ResultsResponse['variants'][number]['metrics'][string];

export interface ResultsInput {
  key: string;
  status: ResultsResponse['status'];
  variants: Variant[];
  control: string;
  primary: MetricDef;
  guardrails: GuardrailDef[];
  alpha: number;
  sequential: boolean;
  minSampleSize: number | null;
  /** By variant, then metric. */
  summaries: Record<string, Record<string, MetricSummary>>;
}

/** Mean and unbiased variance over n units from Σx and Σx². */
export function arm(s: MetricSummary): ArmSummary | null {
  if (s.n < 2) return null;
  const mean = s.sum / s.n;
  return { n: s.n, mean, variance: Math.max(0, (s.sumSquares - s.n * mean * mean) / (s.n - 1)) };
}

/** The statistics of one variant and metric (own properties only: keys are user-chosen names). */
function summaryOf(input: ResultsInput, variant: string, metric: string): MetricSummary {
  const byMetric = Object.hasOwn(input.summaries, variant) ? input.summaries[variant] : undefined;
  return (byMetric && Object.hasOwn(byMetric, metric) ? byMetric[metric] : undefined) ?? NO_UNITS;
}

const safe = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null; // a degenerate arm (zero mean or variance) has no such statistic yet
  }
};

function emptyComparison(metric: MetricDef, variant: string): Comparison {
  return {
    variant,
    metric: metric.name,
    test: metric.kind === 'binomial' ? 'z' : 'welch',
    diff: null,
    diffCi: null,
    relativeLift: null,
    relativeLiftCi: null,
    pValue: null,
    sequentialPValue: null,
    sequentialCi: null,
    chanceToBeatControl: null,
    cuped: null,
    significant: false,
  };
}

/** Each metric's CUPED adjustment (metrics without a covariate are absent). */
type CupedByMetric = Map<string, CupedMetric>;

function cupedByMetric(input: ResultsInput, metrics: MetricDef[]): CupedByMetric {
  const out: CupedByMetric = new Map();
  for (const m of metrics) {
    const c = cupedMetric(input.variants.map((v) => [v.key, summaryOf(input, v.key, m.name)]));
    if (c) out.set(m.name, c);
  }
  return out;
}

/**
 * One treatment against control on one metric; with a covariate, also on the CUPED-adjusted
 * metric, which then carries the decision (same false-positive rate, narrower intervals).
 */
function compare(input: ResultsInput, metric: MetricDef, variant: string, adjustments: CupedByMetric): Comparison {
  const raw = compareRaw(input, metric, variant);
  const c = adjustments.get(metric.name);
  const ca = c?.arms.get(input.control);
  const ta = c?.arms.get(variant);
  if (!c || !ca || !ta) return raw;
  const cuped = cupedComparison(c, ca, ta, input.alpha, input.sequential);
  if (!cuped) return raw;
  const chance = safe(() => chanceToBeatControl(ca, ta));
  const deciding = input.sequential ? cuped.sequentialPValue : cuped.pValue;
  return {
    ...raw,
    cuped,
    chanceToBeatControl: chance ? (metric.direction === 'higher' ? chance.chanceToBeat : 1 - chance.chanceToBeat) : null,
    significant: deciding !== null && deciding < input.alpha,
  };
}

/** One treatment against control on one metric, as measured (no covariate). */
function compareRaw(input: ResultsInput, metric: MetricDef, variant: string): Comparison {
  const empty = emptyComparison(metric, variant);
  const c = summaryOf(input, input.control, metric.name);
  const t = summaryOf(input, variant, metric.name);
  const ca = arm(c);
  const ta = arm(t);
  if (!ca || !ta) return empty;
  const alpha = input.alpha;
  const fixed =
    metric.kind === 'binomial'
      ? safe(() => zTestProportions(t.sum, t.n, c.sum, c.n, { alpha }))
      : safe(() => welchTTest(ta, ca, { alpha }));
  const lift = safe(() => relativeLift(ca, ta, { alpha }));
  const seq = input.sequential ? safe(() => sequentialTest(ca, ta, { alpha })) : null;
  const chance = safe(() => chanceToBeatControl(ca, ta));
  const deciding = input.sequential ? seq?.pValue : fixed?.pValue;
  return {
    ...empty,
    diff: fixed?.diff ?? ta.mean - ca.mean,
    diffCi: fixed ? [fixed.ci[0], fixed.ci[1]] : null,
    relativeLift: lift?.lift ?? null,
    relativeLiftCi: lift ? [lift.ci[0], lift.ci[1]] : null,
    pValue: fixed?.pValue ?? null,
    sequentialPValue: seq?.pValue ?? null,
    sequentialCi: seq ? [seq.lower, seq.upper] : null,
    // Chance that the treatment is better in the metric's own direction.
    chanceToBeatControl: chance ? (metric.direction === 'higher' ? chance.chanceToBeat : 1 - chance.chanceToBeat) : null,
    significant: deciding !== undefined && deciding !== null && deciding < alpha,
  };
}

/** Per variant: units and, per metric, the mean with its fixed-horizon interval. */
function variantResults(input: ResultsInput, metrics: MetricDef[], adjustments: CupedByMetric): ResultsResponse['variants'] {
  const z = normPpf(1 - input.alpha / 2);
  const interval = (a: ArmSummary): [number, number] => {
    const half = z * Math.sqrt(a.variance / a.n);
    return [a.mean - half, a.mean + half];
  };
  return input.variants.map((v) => ({
    key: v.key,
    version: v.version,
    units: summaryOf(input, v.key, input.primary.name).n,
    metrics: Object.fromEntries(
      metrics.map((m): [string, MetricResult] => {
        const a = arm(summaryOf(input, v.key, m.name));
        const adjusted = adjustments.get(m.name)?.arms.get(v.key);
        if (!a) return [m.name, { mean: null, ci: null, adjusted: null }];
        return [m.name, { mean: a.mean, ci: interval(a), adjusted: adjusted ? { mean: adjusted.mean, ci: interval(adjusted) } : null }];
      }),
    ),
  }));
}

function srmOf(input: ResultsInput): ResultsResponse['srm'] {
  const observed = input.variants.map((v) => summaryOf(input, v.key, input.primary.name).n);
  const total = observed.reduce((a, b) => a + b, 0);
  const result =
    total > 0
      ? safe(() =>
          srm(
            observed,
            input.variants.map((v) => v.weight),
          ),
        )
      : null;
  const flagged = result !== null && result.pValue < SRM_ALPHA;
  return { statistic: result?.statistic ?? null, pValue: result?.pValue ?? null, flagged };
}

/** Units per arm to detect the best treatment's observed lift, and the effect detectable today. */
function powerOf(input: ResultsInput, primary: Comparison[]): ResultsResponse['power'] {
  const controlArm = arm(summaryOf(input, input.control, input.primary.name));
  if (!controlArm) return { unitsPerArmNeeded: null, minimumDetectableEffect: null };
  const best = primary
    .filter((c) => c.relativeLift !== null)
    .sort((a, b) => Math.abs(b.relativeLift ?? 0) - Math.abs(a.relativeLift ?? 0))[0];
  const base =
    input.primary.kind === 'binomial'
      ? { baseline: controlArm.mean, alpha: input.alpha, power: POWER }
      : { baseline: controlArm.mean, sd: Math.sqrt(controlArm.variance), alpha: input.alpha, power: POWER };
  const lift = best?.relativeLift;
  return {
    unitsPerArmNeeded: lift ? safe(() => sampleSize({ ...base, mde: Math.abs(lift) })) : null,
    minimumDetectableEffect: safe(() => minimumDetectableEffect({ ...base, n: controlArm.n })),
  };
}

/** Everything the results endpoint shows, from sufficient statistics alone (O(variants × metrics)). */
export function computeResults(input: ResultsInput, now = new Date()): ResultsResponse {
  const metrics: MetricDef[] = [input.primary, ...input.guardrails];
  const treatments = input.variants.filter((v) => v.key !== input.control);
  const adjustments = cupedByMetric(input, metrics);
  const comparisons = treatments.flatMap((t) => metrics.map((m) => compare(input, m, t.key, adjustments)));
  const guardrails = input.guardrails.flatMap((g) => comparisons.filter((c) => c.metric === g.name).map((c) => guardrailVerdict(g, c)));
  const srmResult = srmOf(input);
  const primary = comparisons.filter((c) => c.metric === input.primary.name);
  const power = powerOf(input, primary);
  const units = Math.min(...input.variants.map((v) => summaryOf(input, v.key, input.primary.name).n));
  const recommendation = recommend({
    control: input.control,
    primary: input.primary,
    comparisons: primary,
    guardrails,
    srmFlagged: srmResult.flagged,
    units,
    minSampleSize: input.minSampleSize,
    needed: power.unitsPerArmNeeded,
  });
  return {
    experiment: input.key,
    status: input.status,
    computedAt: now.toISOString(),
    alpha: input.alpha,
    sequential: input.sequential,
    variants: variantResults(input, metrics, adjustments),
    comparisons,
    srm: srmResult,
    guardrails,
    power,
    recommendation,
  };
}
