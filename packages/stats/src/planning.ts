// Planning an experiment before it starts: units per variant to detect a minimum effect with a
// given power, for the fixed-horizon test and for the always-valid (sequential) one.
//
// Both metric kinds are reduced to a standardised effect and one normal power equation, the one
// statsmodels' NormalIndPower / zt_ind_solve_power solve (two-sided, equal arms, ratio = 1):
//   power(n) = Φ(d·√(n/2) − z₁₋α/₂) + Φ(−d·√(n/2) − z₁₋α/₂)
// with d = δ/σ (Cohen's d) for a mean, and Cohen's h = |2·asin√p₂ − 2·asin√p₁| for a rate
// (statsmodels.stats.proportion.proportion_effectsize), the arcsine transform making the variance
// of a rate independent of it.

import { normCdf, normPpf } from './distributions.js';
import { DEFAULT_TUNING_SAMPLE_SIZE, sequentialRho } from './sequential.js';

export interface PlanInput {
  kind: 'binomial' | 'continuous';
  /** Control's conversion rate (binomial) or mean (continuous). */
  baseline: number;
  /** Standard deviation of a continuous metric. */
  sd?: number;
  /** Smallest effect worth detecting, relative to the baseline (0.05 = +5 %) or absolute. */
  mde: number;
  relative: boolean;
  alpha: number;
  power: number;
  /** Variants including control: the treatments are compared to control at alpha / (variants − 1). */
  variants: number;
}

export interface PlanResult {
  /** The effect as a difference in the metric's units. */
  absoluteEffect: number;
  /** Cohen's d (continuous) or h (binomial). */
  effectSize: number;
  /** Two-sided level of each comparison: alpha / (variants − 1), Bonferroni (Holm's worst case). */
  alphaPerComparison: number;
  /** Units per variant, unrounded and rounded up. */
  exactUnitsPerVariant: number;
  unitsPerVariant: number;
}

function check(p: PlanInput): void {
  if (!(p.alpha > 0 && p.alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  if (!(p.power > 0 && p.power < 1)) throw new RangeError('power must be in (0, 1)');
  if (!(Number.isInteger(p.variants) && p.variants >= 2)) throw new RangeError('variants must be an integer >= 2');
  if (!(p.mde > 0)) throw new RangeError('mde must be positive');
  if (p.kind === 'binomial' && !(p.baseline > 0 && p.baseline < 1)) throw new RangeError('baseline must be a rate in (0, 1)');
  if (p.kind === 'continuous' && !((p.sd ?? 0) > 0)) throw new RangeError('sd must be positive');
  if (p.kind === 'continuous' && p.relative && p.baseline === 0) throw new RangeError('a relative mde needs a non-zero baseline');
}

/** The effect in metric units and its standardised size (throws when the treated rate leaves (0, 1)). */
export function effectOf(p: PlanInput): { absoluteEffect: number; effectSize: number } {
  check(p);
  const absoluteEffect = p.relative ? p.mde * Math.abs(p.baseline) : p.mde;
  if (p.kind === 'continuous') return { absoluteEffect, effectSize: absoluteEffect / p.sd! };
  const treated = p.baseline + absoluteEffect;
  if (!(treated < 1)) throw new RangeError('baseline + mde must stay below 1');
  return { absoluteEffect, effectSize: Math.abs(2 * Math.asin(Math.sqrt(treated)) - 2 * Math.asin(Math.sqrt(p.baseline))) };
}

/** Two-sided power of the z-test with `n` units per arm for standardised effect d (statsmodels' normal_power). */
export function normalPower(d: number, n: number, alpha: number): number {
  const crit = normPpf(1 - alpha / 2);
  const shift = d * Math.sqrt(n / 2);
  return normCdf(shift - crit) + normCdf(-shift - crit);
}

/** Smallest real n in [lo, hi] with power(n) >= target (power increasing in n), by bisection to 1e-10. */
function solveN(power: (n: number) => number, target: number, lo = 1e-9, hi = 1e13): number {
  if (power(hi) < target) return Infinity;
  while (hi - lo > 1e-10 * Math.max(1, lo)) {
    const mid = (lo + hi) / 2;
    if (power(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Fixed-horizon plan: units per variant so each treatment-vs-control test has the given power. */
export function planFixed(p: PlanInput): PlanResult {
  const { absoluteEffect, effectSize } = effectOf(p);
  const alphaPerComparison = p.alpha / (p.variants - 1);
  const exact = solveN((n) => normalPower(effectSize, n, alphaPerComparison), p.power);
  return { absoluteEffect, effectSize, alphaPerComparison, exactUnitsPerVariant: exact, unitsPerVariant: Math.ceil(exact) };
}

/**
 * |estimate|/SE above which the always-valid p-value of sequential.ts is <= a, with `total` units in
 * the two arms: p <= a ⟺ |θ̂|/SE >= √( 2(Nρ²+1)/(Nρ²) · ln(√(Nρ²+1)/a) ).
 */
export function alwaysValidCritical(total: number, a: number, rho: number): number {
  const nr2 = total * rho * rho;
  return Math.sqrt(((2 * (nr2 + 1)) / nr2) * Math.log(Math.sqrt(nr2 + 1) / a));
}

/**
 * Sequential plan: units per variant at which the always-valid test (the service's confidence
 * sequence, ρ tuned at α and N* = 5000) reaches the power — the most the experiment runs; with a
 * larger true effect it stops earlier. Its ratio to the fixed plan is the price of peeking safely.
 */
export function planSequential(p: PlanInput, tuningSampleSize = DEFAULT_TUNING_SAMPLE_SIZE): PlanResult {
  const fixed = planFixed(p);
  const rho = sequentialRho(p.alpha, tuningSampleSize);
  const power = (n: number) => {
    const c = alwaysValidCritical(2 * n, fixed.alphaPerComparison, rho);
    const shift = fixed.effectSize * Math.sqrt(n / 2);
    return normCdf(shift - c) + normCdf(-shift - c);
  };
  const exact = solveN(power, p.power, 1);
  return { ...fixed, exactUnitsPerVariant: exact, unitsPerVariant: Math.ceil(exact) };
}
