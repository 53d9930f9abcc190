// Tail probabilities built on stdlib-js (no hand-written special functions). Upper tails are
// taken from the upper incomplete functions directly, never as 1 - cdf, so p-values far below
// 1e-16 (down to ~1e-300) keep their relative precision. Below the normal range (< 2.2e-308)
// results are subnormal and may differ from scipy, whose cephes kernels flush some of them to 0.

import { betainc, gammainc, normalCdf, normalPdf, normalQuantile, tQuantile } from './stdlib.js';

/** Standard normal CDF Φ(z). */
export function normCdf(z: number): number {
  return normalCdf(z, 0, 1);
}

/** Standard normal upper tail 1 - Φ(z), computed as Φ(-z) (erfc-based, no cancellation). */
export function normSf(z: number): number {
  return normalCdf(-z, 0, 1);
}

/** Standard normal density φ(z). */
export function normPdf(z: number): number {
  return normalPdf(z, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p). */
export function normPpf(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Two-sided normal p-value 2·(1 - Φ(|z|)). */
export function normTwoSided(z: number): number {
  return 2 * normSf(Math.abs(z));
}

/** Chi-square upper tail P(X >= x), X ~ χ²(k): the regularised upper incomplete gamma Q(k/2, x/2). */
export function chi2Sf(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, k / 2, true, true);
}

/**
 * Two-sided Student-t p-value P(|T| >= |t|), T ~ t(df): the regularised incomplete beta
 * I_{df/(df+t²)}(df/2, 1/2), the same identity cephes' stdtr uses, with no subtraction.
 */
export function tTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return betainc(df / (df + t * t), df / 2, 0.5, true, false);
}

/** Student-t quantile. */
export function tPpf(p: number, df: number): number {
  return tQuantile(p, df);
}
