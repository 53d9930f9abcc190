import { cuped, relativeLift, sequentialTest, welchTTest, type ArmSummary, type CupedResult } from '@modelyard/stats';
import type { MetricSummary, ResultsResponse } from '@modelyard/types';

type CupedComparison = NonNullable<ResultsResponse['comparisons'][number]['cuped']>;

/** A metric's CUPED adjustment over the variants that have units, with each variant's adjusted arm. */
export interface CupedMetric {
  result: CupedResult;
  arms: Map<string, ArmSummary>;
}

/**
 * CUPED for one metric, θ pooled over every variant with at least 2 units; null when no variant
 * carries a covariate or it does not vary (then results are the raw ones alone).
 */
export function cupedMetric(summaries: [variant: string, summary: MetricSummary][]): CupedMetric | null {
  const usable = summaries.filter(([, s]) => s.n >= 2);
  if (!usable.some(([, s]) => s.covariate)) return null;
  const sums = usable.map(([, s]) => ({
    n: s.n,
    sumY: s.sum,
    sumY2: s.sumSquares,
    sumX: s.covariate?.sum ?? 0,
    sumX2: s.covariate?.sumSquares ?? 0,
    sumXY: s.covariate?.crossProducts ?? 0,
  }));
  try {
    const result = cuped(sums);
    return { result, arms: new Map(usable.map(([v], i) => [v, result.adjusted[i]!])) };
  } catch {
    return null; // the covariate is constant within the arms: nothing to adjust with
  }
}

/**
 * Treatment vs control on the adjusted metric: Welch's test (the adjusted values are continuous
 * whatever the metric's kind), the delta-method relative lift and, when on, the confidence sequence.
 */
export function cupedComparison(
  c: CupedMetric,
  control: ArmSummary,
  treatment: ArmSummary,
  alpha: number,
  sequential: boolean,
): CupedComparison | null {
  try {
    const fixed = welchTTest(treatment, control, { alpha });
    const lift = control.mean !== 0 ? relativeLift(control, treatment, { alpha }) : null;
    const seq = sequential ? sequentialTest(control, treatment, { alpha }) : null;
    return {
      theta: c.result.theta,
      varianceReduction: c.result.varianceReduction,
      diff: fixed.diff,
      diffCi: [fixed.ci[0], fixed.ci[1]],
      relativeLift: lift?.lift ?? null,
      relativeLiftCi: lift ? [lift.ci[0], lift.ci[1]] : null,
      pValue: fixed.pValue,
      sequentialPValue: seq?.pValue ?? null,
      sequentialCi: seq ? [seq.lower, seq.upper] : null,
    };
  } catch {
    return null;
  }
}
