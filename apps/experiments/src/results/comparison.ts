import { chanceToBeatControl, holm, relativeLift, sequentialTest, welchTTest, zTestProportions, type ArmSummary } from '@modelyard/stats';
import type { MetricDef } from '../experiments/experiment.js';
import { cupedComparison, cupedMetric, type CupedMetric } from './cuped-results.js';
import type { Comparison } from './recommendation.js';
import { arm, summaryOf, type ResultsInput } from './results-input.js';

const safe = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null; // a degenerate arm (zero mean or variance) has no such statistic yet
  }
};

/** Each metric's CUPED adjustment (metrics without a covariate are absent). */
export type CupedByMetric = Map<string, CupedMetric>;

export function cupedByMetric(input: ResultsInput, metrics: MetricDef[]): CupedByMetric {
  const out: CupedByMetric = new Map();
  for (const m of metrics) {
    const c = cupedMetric(input.variants.map((v) => [v.key, summaryOf(input, v.key, m.name)]));
    if (c) out.set(m.name, c);
  }
  return out;
}

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
    risk: null,
    cuped: null,
    adjustedPValue: null,
    adjustedCi: null,
    significant: false,
  };
}

/** The p-value a comparison is decided on: sequential or fixed, adjusted (CUPED) when it can be. */
export function decidingPValue(c: Comparison, sequential: boolean): number | null {
  if (c.cuped) return sequential ? c.cuped.sequentialPValue : c.cuped.pValue;
  return sequential ? c.sequentialPValue : c.pValue;
}

/**
 * The arms a decision is read from (CUPED-adjusted when there is a covariate, else raw), and the
 * Bayesian reading of them in the metric's direction: chance to beat control and the expected loss
 * (relative lift given up) of shipping the treatment, or of keeping the control, if it is the wrong one.
 */
function bayesian(metric: MetricDef, ca: ArmSummary, ta: ArmSummary): Pick<Comparison, 'chanceToBeatControl' | 'risk'> {
  const chance = safe(() => chanceToBeatControl(ca, ta));
  if (!chance) return { chanceToBeatControl: null, risk: null };
  if (metric.direction === 'higher') return { chanceToBeatControl: chance.chanceToBeat, risk: chance.risk };
  return { chanceToBeatControl: 1 - chance.chanceToBeat, risk: { treatment: chance.risk.control, control: chance.risk.treatment } };
}

/**
 * The interval on the difference at level 1 − alpha/m for m treatments (Bonferroni: valid for all m
 * at once, and at least as wide as Holm's step-down needs), by the test the experiment decides on.
 */
function adjustedInterval(input: ResultsInput, metric: MetricDef, arms: [ArmSummary, ArmSummary], raw: boolean, m: number) {
  const alpha = input.alpha / m;
  const [ca, ta] = arms;
  if (input.sequential) return safe(() => sequentialTest(ca, ta, { alpha }));
  if (raw && metric.kind === 'binomial') {
    return safe(() => zTestProportions(ta.mean * ta.n, ta.n, ca.mean * ca.n, ca.n, { alpha }).ci);
  }
  return safe(() => welchTTest(ta, ca, { alpha }).ci);
}

/**
 * One treatment against control on one metric among `m` treatments; with a covariate, also on the
 * CUPED-adjusted metric, which then carries the decision (same false-positive rate, narrower
 * intervals). `significant` and `adjustedPValue` are set across treatments by holmAcrossTreatments.
 */
export function compare(input: ResultsInput, metric: MetricDef, variant: string, adjustments: CupedByMetric, m: number): Comparison {
  const raw = compareRaw(input, metric, variant);
  const c = adjustments.get(metric.name);
  const cupedArms = [c?.arms.get(input.control), c?.arms.get(variant)] as const;
  const cuped = c && cupedArms[0] && cupedArms[1] ? cupedComparison(c, cupedArms[0], cupedArms[1], input.alpha, input.sequential) : null;
  const rawArms = [arm(summaryOf(input, input.control, metric.name)), arm(summaryOf(input, variant, metric.name))] as const;
  const arms = cuped ? cupedArms : rawArms;
  if (!arms[0] || !arms[1]) return raw;
  const interval = adjustedInterval(input, metric, [arms[0], arms[1]], !cuped, m);
  const adjustedCi: [number, number] | null = !interval
    ? null
    : 'lower' in interval
      ? [interval.lower, interval.upper]
      : [interval[0], interval[1]];
  return { ...raw, ...bayesian(metric, arms[0], arms[1]), cuped, adjustedCi };
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
  return {
    ...empty,
    diff: fixed?.diff ?? ta.mean - ca.mean,
    diffCi: fixed ? [fixed.ci[0], fixed.ci[1]] : null,
    relativeLift: lift?.lift ?? null,
    relativeLiftCi: lift ? [lift.ci[0], lift.ci[1]] : null,
    pValue: fixed?.pValue ?? null,
    sequentialPValue: seq?.pValue ?? null,
    sequentialCi: seq ? [seq.lower, seq.upper] : null,
  };
}

/**
 * Holm–Bonferroni across the treatments of each metric: each comparison's deciding p-value is
 * adjusted for the number of treatments, and `significant` reads the adjusted one, so more arms do
 * not mean more false winners. With one treatment the adjusted p-value is the deciding one.
 */
export function holmAcrossTreatments(comparisons: Comparison[], alpha: number, sequential: boolean): Comparison[] {
  const byMetric = new Map<string, number[]>();
  comparisons.forEach((c, i) => byMetric.set(c.metric, [...(byMetric.get(c.metric) ?? []), i]));
  const out = comparisons.map((c) => ({ ...c }));
  for (const indices of byMetric.values()) {
    const decided = indices.filter((i) => decidingPValue(comparisons[i]!, sequential) !== null);
    const adjusted = holm(decided.map((i) => decidingPValue(comparisons[i]!, sequential)!));
    decided.forEach((i, k) => {
      out[i]!.adjustedPValue = adjusted[k]!;
      out[i]!.significant = adjusted[k]! < alpha;
    });
  }
  return out;
}
