import { minimumDetectableEffect, normPpf, sampleSize, sequentialSrm, srm, type ArmSummary } from '@modelyard/stats';
import type { ResultsResponse } from '@modelyard/types';
import type { MetricDef } from '../experiments/experiment.js';
import { breakdowns } from './breakdowns.js';
import { compare, cupedByMetric, holmAcrossTreatments, type CupedByMetric } from './comparison.js';
import { guardrailVerdict, recommend, type Comparison } from './recommendation.js';
import { arm, summaryOf, type ResultsInput } from './results-input.js';

export { arm, type ResultsInput } from './results-input.js';

/** SRM is flagged at this p-value: strict, because a false alarm stops a healthy experiment. */
export const SRM_ALPHA = 0.001;
const POWER = 0.8;

const safe = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null; // a degenerate arm (zero mean or variance) has no such statistic yet
  }
};

type MetricResult = ResultsResponse['variants'][number]['metrics'][string];

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

/**
 * SRM against the weights in force. The always-valid test decides (peeking after every tick raises
 * no false alarms); the chi-square statistic stays for reference and for one look at the end.
 */
function srmOf(input: ResultsInput): ResultsResponse['srm'] {
  const observed = input.variants.map((v) => summaryOf(input, v.key, input.primary.name).n);
  // A bandit's expected shares follow the weights in force as its units arrived.
  const expected = input.expectedShares ?? input.variants.map((v) => v.weight);
  const total = observed.reduce((a, b) => a + b, 0);
  const chi = total > 0 ? safe(() => srm(observed, expected)) : null;
  const sequential = total > 0 ? safe(() => sequentialSrm(observed, expected)) : null;
  return {
    statistic: chi?.statistic ?? null,
    pValue: chi?.pValue ?? null,
    sequentialPValue: sequential?.pValue ?? null,
    flagged: sequential !== null && sequential.pValue < SRM_ALPHA,
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
  const adjustments = cupedByMetric(input, metrics);
  const compared = treatments.flatMap((t) => metrics.map((m) => compare(input, m, t.key, adjustments, treatments.length)));
  const comparisons = holmAcrossTreatments(compared, input.alpha, input.sequential);
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
    breakdowns: input.slices
      ? breakdowns(
          input.slices,
          input.variants.map((v) => v.key),
          input.control,
          input.alpha,
        )
      : [],
  };
}
