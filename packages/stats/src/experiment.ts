// Fixed-horizon tests for A/B experiments on summary statistics.

import { normPpf, normTwoSided, tPpf, tTwoSided } from './distributions.js';

/** Summary of one arm: sample size, mean and (sample, ddof = 1) variance of the metric. */
export interface ArmSummary {
  n: number;
  mean: number;
  variance: number;
}

export interface TestOptions {
  /** Two-sided significance level for the confidence interval (default 0.05). */
  alpha?: number;
}

export interface ZTestResult {
  z: number;
  pValue: number;
  /** p1 - p2. */
  diff: number;
  /** (1 - alpha) Wald interval for p1 - p2. */
  ci: [number, number];
}

function checkArm(a: ArmSummary, name: string): void {
  if (!(a.n >= 2) || !Number.isFinite(a.mean) || !(a.variance >= 0)) {
    throw new RangeError(`${name} needs n >= 2, a finite mean and a variance >= 0`);
  }
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
}

/**
 * Two-sample z-test for proportions x1/n1 vs x2/n2. The statistic uses the pooled proportion
 * under H0: p1 = p2 (as statsmodels' proportions_ztest and Evidently's Z test do); the
 * interval for p1 - p2 uses the unpooled (Wald) standard error, which does not assume H0.
 * Pass (treatment, control) to read diff as treatment − control.
 */
export function zTestProportions(x1: number, n1: number, x2: number, n2: number, options: TestOptions = {}): ZTestResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  if (!(n1 > 0 && n2 > 0 && x1 >= 0 && x2 >= 0 && x1 <= n1 && x2 <= n2)) {
    throw new RangeError('need 0 <= x <= n and n > 0 for both samples');
  }
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const diff = p1 - p2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // se0 = 0 only when both samples are all successes or all failures: no evidence of a difference.
  const z = se0 === 0 ? 0 : diff / se0;
  const pValue = se0 === 0 ? 1 : normTwoSided(z);
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const half = normPpf(1 - alpha / 2) * se;
  return { z, pValue, diff, ci: [diff - half, diff + half] };
}

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  /** mean(a) - mean(b). */
  diff: number;
  ci: [number, number];
}

/**
 * Welch's unequal-variance t-test from summaries
 * (= scipy.stats.ttest_ind_from_stats(a.mean, √a.variance, a.n, b.mean, √b.variance, b.n,
 * equal_var=False)), with the (1 - alpha) interval for mean(a) - mean(b).
 */
export function welchTTest(a: ArmSummary, b: ArmSummary, options: TestOptions = {}): WelchResult {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  checkArm(a, 'a');
  checkArm(b, 'b');
  const vn1 = a.variance / a.n;
  const vn2 = b.variance / b.n;
  let df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (a.n - 1) + vn2 ** 2 / (b.n - 1));
  if (Number.isNaN(df)) df = 1; // both variances zero: scipy's convention
  const se = Math.sqrt(vn1 + vn2);
  const diff = a.mean - b.mean;
  const t = diff / se;
  const pValue = tTwoSided(t, df);
  const half = tPpf(1 - alpha / 2, df) * se;
  return { t, df, pValue, diff, ci: [diff - half, diff + half] };
}
