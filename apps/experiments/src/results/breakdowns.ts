import { welchTTest, zTestProportions } from '@modelyard/stats';
import type { MetricSummary, ResultsResponse } from '@modelyard/types';
import type { MetricDef } from '../experiments/experiment.js';
import { arm } from './results-input.js';

type Breakdown = ResultsResponse['breakdowns'][number];

/** Per slice (`dimension|value`), per variant: the primary metric's sufficient statistics. */
export type SliceStats = Map<string, { dimension: string; value: string; variants: Map<string, MetricSummary> }>;

/**
 * The stored slice sums (`variant|@dim|value|n`, `variant|@dim|value|metric|s|q`) for one metric.
 * Variant keys and dimension names hold no `|`, and values hold none either (schema), so the
 * fields split unambiguously.
 */
export function sliceStatsOf(sums: Map<string, number>, metric: string): SliceStats {
  const out: SliceStats = new Map();
  for (const [field, v] of sums) {
    const [variant = '', dim = '', value = '', ...rest] = field.split('|');
    if (!dim.startsWith('@')) continue;
    const isCount = rest.length === 1 && rest[0] === 'n';
    if (!isCount && !(rest.length === 2 && rest[0] === metric)) continue;
    const key = `${dim}|${value}`;
    const slice = out.get(key) ?? { dimension: dim.slice(1), value, variants: new Map<string, MetricSummary>() };
    const s = slice.variants.get(variant) ?? { n: 0, sum: 0, sumSquares: 0 };
    if (isCount) s.n = v;
    else if (rest[1] === 's') s.sum = v;
    else if (rest[1] === 'q') s.sumSquares = v;
    slice.variants.set(variant, s);
    out.set(key, slice);
  }
  return out;
}

/** Treatment vs control in one slice by the metric's fixed-horizon test, at level alpha. */
function sliceTest(metric: MetricDef, c: MetricSummary, t: MetricSummary, alpha: number) {
  const ca = arm(c);
  const ta = arm(t);
  if (!ca || !ta) return null;
  try {
    return metric.kind === 'binomial' ? zTestProportions(t.sum, t.n, c.sum, c.n, { alpha }) : welchTTest(ta, ca, { alpha });
  } catch {
    return null;
  }
}

/**
 * The primary metric per slice, exploratory: with S slice comparisons (slices × treatments) each
 * p-value is multiplied by S (Bonferroni) and each interval is at 1 − alpha/S, so scanning every
 * slice for a winner stays at alpha overall. Slices are sorted by dimension, then value.
 */
export function breakdowns(
  slices: SliceStats,
  metric: MetricDef,
  variants: string[],
  control: string,
  alpha: number,
): ResultsResponse['breakdowns'] {
  const treatments = variants.filter((v) => v !== control);
  const sorted = [...slices.values()].sort((a, b) => a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
  const comparisons = Math.max(1, sorted.length * treatments.length);
  const none: MetricSummary = { n: 0, sum: 0, sumSquares: 0 };
  return sorted.map((slice): Breakdown => {
    const of = (v: string) => slice.variants.get(v) ?? none;
    return {
      dimension: slice.dimension,
      value: slice.value,
      exploratory: true,
      variants: variants.map((v) => ({ variant: v, units: of(v).n, mean: of(v).n > 0 ? of(v).sum / of(v).n : null })),
      comparisons: treatments.map((v) => {
        const fixed = sliceTest(metric, of(control), of(v), alpha);
        const widened = sliceTest(metric, of(control), of(v), alpha / comparisons);
        const adjustedPValue = fixed ? Math.min(1, fixed.pValue * comparisons) : null;
        return {
          variant: v,
          diff: fixed?.diff ?? null,
          adjustedCi: widened ? [widened.ci[0], widened.ci[1]] : null,
          pValue: fixed?.pValue ?? null,
          adjustedPValue,
          significant: adjustedPValue !== null && adjustedPValue < alpha,
        };
      }),
    };
  });
}
