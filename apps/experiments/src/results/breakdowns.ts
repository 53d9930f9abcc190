import { normPpf, normTwoSided } from '@modelyard/stats';
import type { MetricSummary, ResultsResponse } from '@modelyard/types';
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
  const sumField = `${metric}|s`;
  const squaresField = `${metric}|q`;
  for (const [field, v] of sums) {
    // Parsed with indexOf rather than split: this runs for every slice field on every results call.
    const i1 = field.indexOf('|');
    if (field.charCodeAt(i1 + 1) !== 64 /* @ */) continue;
    const i2 = field.indexOf('|', i1 + 1);
    const i3 = i2 < 0 ? -1 : field.indexOf('|', i2 + 1);
    if (i3 < 0) continue;
    const rest = field.slice(i3 + 1);
    const part = rest === 'n' ? 'n' : rest === sumField ? 's' : rest === squaresField ? 'q' : null;
    if (!part) continue;
    const key = field.slice(i1 + 1, i3);
    let slice = out.get(key);
    if (!slice) {
      slice = { dimension: field.slice(i1 + 2, i2), value: field.slice(i2 + 1, i3), variants: new Map<string, MetricSummary>() };
      out.set(key, slice);
    }
    const variant = field.slice(0, i1);
    let s = slice.variants.get(variant);
    if (!s) {
      s = { n: 0, sum: 0, sumSquares: 0 };
      slice.variants.set(variant, s);
    }
    if (part === 'n') s.n = v;
    else if (part === 's') s.sum = v;
    else s.sumSquares = v;
  }
  return out;
}

/**
 * Treatment vs control in one slice, by the normal approximation (slices are many and each is
 * exploratory: a z statistic on the unpooled standard error, cheap at hundreds of slices); the
 * interval's half-width is `critical` standard errors.
 */
function sliceTest(c: MetricSummary, t: MetricSummary, critical: number) {
  const ca = arm(c);
  const ta = arm(t);
  if (!ca || !ta) return null;
  const se = Math.sqrt(ta.variance / ta.n + ca.variance / ca.n);
  const diff = ta.mean - ca.mean;
  if (!(se > 0)) return null;
  return { diff, pValue: normTwoSided(diff / se), ci: [diff - critical * se, diff + critical * se] as [number, number] };
}

/**
 * The primary metric per slice, exploratory (normal approximation for both metric kinds): with S slice comparisons (slices × treatments) each
 * p-value is multiplied by S (Bonferroni) and each interval is at 1 − alpha/S, so scanning every
 * slice for a winner stays at alpha overall. Slices are sorted by dimension, then value.
 */
export function breakdowns(slices: SliceStats, variants: string[], control: string, alpha: number): ResultsResponse['breakdowns'] {
  const treatments = variants.filter((v) => v !== control);
  const sorted = [...slices.values()].sort((a, b) => a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
  const comparisons = Math.max(1, sorted.length * treatments.length);
  const none: MetricSummary = { n: 0, sum: 0, sumSquares: 0 };
  const critical = normPpf(1 - alpha / (2 * comparisons));
  return sorted.map((slice): Breakdown => {
    const of = (v: string) => slice.variants.get(v) ?? none;
    return {
      dimension: slice.dimension,
      value: slice.value,
      exploratory: true,
      variants: variants.map((v) => ({ variant: v, units: of(v).n, mean: of(v).n > 0 ? of(v).sum / of(v).n : null })),
      comparisons: treatments.map((v) => {
        const fixed = sliceTest(of(control), of(v), critical);
        const adjustedPValue = fixed ? Math.min(1, fixed.pValue * comparisons) : null;
        return {
          variant: v,
          diff: fixed?.diff ?? null,
          adjustedCi: fixed?.ci ?? null,
          pValue: fixed?.pValue ?? null,
          adjustedPValue,
          significant: adjustedPValue !== null && adjustedPValue < alpha,
        };
      }),
    };
  });
}
