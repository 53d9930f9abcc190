// Always-valid inference for experiments that are looked at repeatedly: asymptotic confidence
// sequences (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory
// and asymptotic confidence sequences", Ann. Statist. 2024, arXiv:2103.06476).
//
// With n units observed in total, an estimate θ̂ with standard error SE, and per-unit variance
// s² = SE²·n, the Gaussian-mixture asymptotic CS of Theorem 2.2 is
//   θ̂ ± s · sqrt( 2(nρ² + 1) / (n²ρ²) · ln( sqrt(nρ² + 1) / α ) ),
// uniformly valid over n: the probability that it EVER excludes θ is at most α (asymptotically),
// so a result may be checked after every batch without inflating false positives.
// ρ tunes where the sequence is tightest; the width at n = N* is minimised by
//   ρ = sqrt( (-2 ln α + ln(-2 ln α + 1)) / N* ),
// with N* the "tuning sample size" (default 5000, GrowthBook's default).
// The always-valid p-value is the smallest α whose CS (same ρ) excludes 0, i.e. the reciprocal
// of the mixture e-value (arXiv v7 eq. (155), as cited by GrowthBook's gbstats):
//   p = min(1, sqrt(nρ² + 1) · exp(-ρ² n θ̂² / (2 SE² (nρ² + 1)))).
// Taking the running minimum of p over the looks keeps it valid; the CS at level α excludes 0
// exactly when p <= α.

import type { ArmSummary } from './experiment.js';
import { liftMoments } from './lift.js';

export const DEFAULT_TUNING_SAMPLE_SIZE = 5000;

export interface SequentialOptions {
  /** Level of the confidence sequence; also fixes ρ for the p-value (default 0.05). */
  alpha?: number;
  /** Sample size N* at which the sequence is narrowest (default 5000). */
  tuningSampleSize?: number;
}

export interface SequentialResult {
  estimate: number;
  lower: number;
  upper: number;
  halfWidth: number;
  /** Always-valid p-value for estimate = 0. */
  pValue: number;
  rho: number;
}

/** ρ minimising the CS width at n = tuningSampleSize for level alpha. */
export function sequentialRho(alpha: number, tuningSampleSize: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  if (!(tuningSampleSize > 0)) throw new RangeError('tuningSampleSize must be positive');
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuningSampleSize);
}

/**
 * Confidence sequence and always-valid p-value for an estimate with standard error `se`
 * computed from `n` units in total (both arms together for a two-arm comparison).
 */
export function sequentialInterval(estimate: number, se: number, n: number, options: SequentialOptions = {}): SequentialResult {
  const alpha = options.alpha ?? 0.05;
  const rho = sequentialRho(alpha, options.tuningSampleSize ?? DEFAULT_TUNING_SAMPLE_SIZE);
  if (!(n > 0) || !(se >= 0)) throw new RangeError('need n > 0 and se >= 0');
  const s2 = se * se * n;
  const nr2p1 = n * rho * rho + 1;
  const halfWidth = Math.sqrt(s2) * Math.sqrt(((2 * nr2p1) / (n * rho) ** 2) * Math.log(Math.sqrt(nr2p1) / alpha));
  let pValue: number;
  if (se === 0) pValue = estimate === 0 ? 1 : 0;
  else pValue = Math.min(1, Math.sqrt(nr2p1) * Math.exp(-(rho * rho * n * estimate * estimate) / (2 * se * se * nr2p1)));
  return { estimate, lower: estimate - halfWidth, upper: estimate + halfWidth, halfWidth, pValue, rho };
}

/** Always-valid p-value alone (see {@link sequentialInterval}). */
export function sequentialPValue(estimate: number, se: number, n: number, options: SequentialOptions = {}): number {
  return sequentialInterval(estimate, se, n, options).pValue;
}

/**
 * Sequential two-arm comparison from summaries: the absolute difference mean_t - mean_c
 * (SE² = σ_t²/n_t + σ_c²/n_c) or, with `relative`, the relative lift with its delta-method SE.
 */
export function sequentialTest(
  control: ArmSummary,
  treatment: ArmSummary,
  options: SequentialOptions & { relative?: boolean } = {},
): SequentialResult {
  const n = control.n + treatment.n;
  if (options.relative) {
    const { lift, se } = liftMoments(control, treatment);
    return sequentialInterval(lift, se, n, options);
  }
  const se = Math.sqrt(treatment.variance / treatment.n + control.variance / control.n);
  return sequentialInterval(treatment.mean - control.mean, se, n, options);
}
