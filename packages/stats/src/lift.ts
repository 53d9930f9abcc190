// Relative lift of treatment over control with a delta-method interval, and the Bayesian
// reading of the same Gaussian approximation (chance to beat control, expected loss).

import { normCdf, normPdf, normPpf, normTwoSided } from './distributions.js';
import type { ArmSummary, TestOptions } from './experiment.js';

export interface LiftResult {
  /** mean_t / mean_c - 1. */
  lift: number;
  /** Delta-method standard error of the lift. */
  se: number;
  ci: [number, number];
  /** Two-sided p-value of lift = 0 under the normal approximation. */
  pValue: number;
}

/**
 * Delta-method variance of μ_t/μ_c - 1 for independent arms (first-order Taylor expansion of
 * the ratio; the form GrowthBook's gbstats uses):
 *   Var ≈ σ_t²/(n_t μ_c²) + μ_t² σ_c²/(n_c μ_c⁴)
 */
export function liftMoments(control: ArmSummary, treatment: ArmSummary): { lift: number; se: number } {
  if (control.mean === 0) throw new RangeError('relative lift needs a non-zero control mean');
  if (!(control.n > 0 && treatment.n > 0)) throw new RangeError('arms need n > 0');
  const mc = control.mean;
  const mt = treatment.mean;
  const variance = treatment.variance / (treatment.n * mc * mc) + (control.variance * mt * mt) / (control.n * mc ** 4);
  return { lift: mt / mc - 1, se: Math.sqrt(variance) };
}

/** Relative lift (treatment over control) with a (1 - alpha) delta-method normal interval. */
export function relativeLift(control: ArmSummary, treatment: ArmSummary, options: TestOptions = {}): LiftResult {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  const { lift, se } = liftMoments(control, treatment);
  const half = normPpf(1 - alpha / 2) * se;
  const pValue = se === 0 ? (lift === 0 ? 1 : 0) : normTwoSided(lift / se);
  return { lift, se, ci: [lift - half, lift + half], pValue };
}

/**
 * E[max(0, -X)] for X ~ N(mean, sd²): the expected loss of acting as if X > 0.
 * = sd·φ(mean/sd) - mean·Φ(-mean/sd).
 */
export function expectedLoss(mean: number, sd: number): number {
  if (sd === 0) return Math.max(0, -mean);
  const z = mean / sd;
  return sd * normPdf(z) - mean * normCdf(-z);
}

export interface ChanceToBeatResult {
  /** P(lift > 0) under the Gaussian posterior N(lift, se²) (flat prior). */
  chanceToBeat: number;
  lift: number;
  se: number;
  /** Expected loss (relative units) of shipping the treatment / keeping the control. */
  risk: { treatment: number; control: number };
}

/**
 * Bayesian summary of an experiment from the same Gaussian approximation as relativeLift: with
 * a flat prior the posterior of the lift is N(lift, se²), so the chance to beat control is
 * Φ(lift/se), and the risk of each choice is the expected lift given up if it is the wrong one.
 */
export function chanceToBeatControl(control: ArmSummary, treatment: ArmSummary): ChanceToBeatResult {
  const { lift, se } = liftMoments(control, treatment);
  const chanceToBeat = se === 0 ? (lift > 0 ? 1 : lift < 0 ? 0 : 0.5) : normCdf(lift / se);
  return {
    chanceToBeat,
    lift,
    se,
    risk: { treatment: expectedLoss(lift, se), control: expectedLoss(-lift, se) },
  };
}
