// CUPED: variance reduction with a pre-experiment covariate (Deng, Xu, Kohavi & Walker, "Improving
// the sensitivity of online controlled experiments by utilizing pre-experiment data", WSDM 2013).
//
// Each unit has an outcome y and a covariate x measured before the experiment (so independent of
// the assignment). Y − θ(X − E[X]) has the mean of Y and the variance Var(Y)(1 − ρ²) at the best
// θ = Cov(Y, X)/Var(X). θ is pooled over the variants from the within-variant sums (the ANCOVA
// slope of y ~ variant + x), so a treatment effect on y does not leak into θ; the adjusted
// difference of means is then the ANCOVA treatment coefficient. θ is estimated from the same data,
// which costs O(1/n) in the variance: negligible at experiment sizes, and treated as fixed here,
// as in the paper (§3.2).

import type { ArmSummary } from './experiment.js';

/** Sufficient statistics of one variant: n and the sums Σx, Σx², Σy, Σy², Σxy over its units. */
export interface CovariateSummary {
  n: number;
  sumX: number;
  sumX2: number;
  sumY: number;
  sumY2: number;
  sumXY: number;
}

export interface CupedResult {
  /** Pooled within-variant slope Cov(Y, X)/Var(X). */
  theta: number;
  /** Mean of x over all units: the adjusted means are read at it. */
  meanX: number;
  /** Per variant (same order): the raw outcome summary. */
  raw: ArmSummary[];
  /** Per variant: adjusted mean ȳ − θ(x̄ − x̄_all) and the variance of y − θx (per unit). */
  adjusted: ArmSummary[];
  /** 1 − Σ residual sum of squares / Σ within-variant Syy: the pooled within-variant ρ². */
  varianceReduction: number;
}

interface Centred {
  n: number;
  meanX: number;
  meanY: number;
  sxx: number;
  syy: number;
  sxy: number;
}

/** Centred sums of squares and cross products of one variant (clamped: rounding can make Sxx < 0). */
function centre(s: CovariateSummary): Centred {
  const meanX = s.sumX / s.n;
  const meanY = s.sumY / s.n;
  return {
    n: s.n,
    meanX,
    meanY,
    sxx: Math.max(0, s.sumX2 - s.n * meanX * meanX),
    syy: Math.max(0, s.sumY2 - s.n * meanY * meanY),
    sxy: s.sumXY - s.n * meanX * meanY,
  };
}

/**
 * CUPED-adjusted arm summaries from the per-variant sums (O(variants)). Throws a RangeError when an
 * arm has fewer than 2 units or the covariate does not vary within the variants (no θ exists).
 */
export function cuped(arms: CovariateSummary[]): CupedResult {
  if (!arms.length || arms.some((a) => !(a.n >= 2))) throw new RangeError('every arm needs n >= 2');
  const c = arms.map(centre);
  const sxx = c.reduce((s, a) => s + a.sxx, 0);
  if (!(sxx > 0)) throw new RangeError('the covariate does not vary within the arms');
  const theta = c.reduce((s, a) => s + a.sxy, 0) / sxx;
  const meanX = arms.reduce((s, a) => s + a.sumX, 0) / arms.reduce((s, a) => s + a.n, 0);
  const residual = (a: Centred) => Math.max(0, a.syy - 2 * theta * a.sxy + theta * theta * a.sxx);
  const syy = c.reduce((s, a) => s + a.syy, 0);
  const rss = c.reduce((s, a) => s + residual(a), 0);
  return {
    theta,
    meanX,
    raw: c.map((a) => ({ n: a.n, mean: a.meanY, variance: a.syy / (a.n - 1) })),
    adjusted: c.map((a) => ({ n: a.n, mean: a.meanY - theta * (a.meanX - meanX), variance: residual(a) / (a.n - 1) })),
    varianceReduction: syy > 0 ? 1 - rss / syy : 0,
  };
}
