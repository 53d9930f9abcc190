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
  /** Shares the SRM check expects (a bandit's weights in force as units arrived); default: the weights. */
  expectedShares?: number[];
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
    significant: false,
  };
}

/** One treatment against control on one metric. */
function compare(input: ResultsInput, metric: MetricDef, variant: string): Comparison {
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
function variantResults(input: ResultsInput, metrics: MetricDef[]): ResultsResponse['variants'] {
  const z = normPpf(1 - input.alpha / 2);
  return input.variants.map((v) => ({
    key: v.key,
    version: v.version,
    units: summaryOf(input, v.key, input.primary.name).n,
    metrics: Object.fromEntries(
      metrics.map((m): [string, MetricResult] => {
        const a = arm(summaryOf(input, v.key, m.name));
        if (!a) return [m.name, { mean: null, ci: null }];
        const half = z * Math.sqrt(a.variance / a.n);
        return [m.name, { mean: a.mean, ci: [a.mean - half, a.mean + half] }];
      }),
    ),
  }));
}

function srmOf(input: ResultsInput): ResultsResponse['srm'] {
  const observed = input.variants.map((v) => summaryOf(input, v.key, input.primary.name).n);
  const total = observed.reduce((a, b) => a + b, 0);
  const result = total > 0 ? safe(() => srm(observed, input.expectedShares ?? input.variants.map((v) => v.weight))) : null;
  const flagged = result !== null && result.pValue < SRM_ALPHA;
  return {
    statistic: result?.statistic ?? null,
    pValue: result?.pValue ?? null,
    flagged,
    ...(input.expectedShares ? { expectedShares: input.expectedShares } : {}),
  };
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
  const comparisons = treatments.flatMap((t) => metrics.map((m) => compare(input, m, t.key)));
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
    variants: variantResults(input, metrics),
    comparisons,
    srm: srmResult,
    guardrails,
    power,
    recommendation,
  };
}
