// Two-sided two-sample Kolmogorov–Smirnov test, equal to scipy.stats.ks_2samp (two-sided):
// same statistic (evaluated at every observation, ties included, like np.searchsorted
// side='right'), same 'auto' rule, same exact lattice-path p-values and same fallbacks.

import { probOutsideBand, probOutsideSquare } from './ks-exact.js';
import { kstwoSf } from './kstwo.js';
import { mergeStats } from './merge.js';
import { gcd, roundHalfEven, type Sample, sortSample, type SortedSample } from './sample.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsOptions {
  /**
   * 'auto' (default): exact when both sizes are at most 10000, otherwise asymptotic.
   * 'exact': lattice-path p-value; falls back to 'asymp' when lcm(n, m) is too large
   * (n/g >= (2^31 - 1)/(m/g)) or the computation leaves [0, 1].
   */
  method?: KsMethod;
}

export interface KsResult {
  /** sup |F_a - F_b|; after an exact computation, rounded to the lattice h/lcm(n, m) as scipy does. */
  statistic: number;
  pValue: number;
  /** The method actually used ('auto' resolved, fallbacks applied). */
  method: 'exact' | 'asymp';
}

/** scipy's MAX_AUTO_N: 'auto' attempts the exact distribution up to this size. */
const MAX_AUTO_N = 10000;
const INT32_MAX = 2147483647;

/** The KS statistic of two sorted samples (see {@link mergeStats}). */
export function ksStatisticSorted(a: SortedSample, b: SortedSample): number {
  return mergeStats(a, b).d;
}

/** Two-sided p-value for a statistic d of samples of sizes n1 and n2 (scipy's rules). */
export function ksPValue(d: number, n1: number, n2: number, method: KsMethod = 'auto'): KsResult {
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: 'exact' | 'asymp';
  if (method === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (method === 'exact') mode = n1g >= INT32_MAX / n2g ? 'asymp' : 'exact';
  else mode = 'asymp';

  let prob = NaN;
  if (mode === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm; // scipy reports the statistic snapped to the lattice
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (!(prob >= 0 && prob <= 1)) mode = 'asymp';
  }
  if (mode === 'asymp') {
    const big = Math.max(n1, n2);
    const small = Math.min(n1, n2);
    const en = (big * small) / (big + small);
    prob = kstwoSf(d, roundHalfEven(en));
  }
  const pValue = prob < 0 ? 0 : prob > 1 ? 1 : prob;
  return { statistic: d, pValue, method: mode };
}

/** ks2samp on samples already sorted with {@link sortSample}. */
export function ks2sampSorted(a: SortedSample, b: SortedSample, options: KsOptions = {}): KsResult {
  return ksPValue(ksStatisticSorted(a, b), a.length, b.length, options.method ?? 'auto');
}

/**
 * Two-sided two-sample Kolmogorov–Smirnov test (= scipy.stats.ks_2samp(a, b, method=...)).
 * Sorts copies of both samples; NaN or empty input throws.
 */
export function ks2samp(a: Sample, b: Sample, options: KsOptions = {}): KsResult {
  return ks2sampSorted(sortSample(a, 'a'), sortSample(b, 'b'), options);
}
