// Sequential sample-ratio-mismatch test (Lindon & Malek, "Anytime-valid inference for multinomial
// count data", NeurIPS 2022, arXiv:2011.03567, §3). Under H0 the units fall into the variants
// with the configured weights θ0; the alternative is a Dirichlet(α) mixture over all splits. The
// Bayes factor of the counts x (n units) is, from the Dirichlet-multinomial marginal likelihood,
//   BF = Γ(Σα)/Γ(Σα + n) · Π Γ(α_i + x_i)/Γ(α_i) / Π θ0_i^{x_i},
// a nonnegative martingale under H0, so by Ville's inequality P(BF ever ≥ 1/a) ≤ a: p = min(1, 1/BF)
// is an always-valid p-value, safe to check after every batch. The prior α = 100·θ0 is the one of
// the authors' reference implementation (Optimizely's `ssrm`), centred on the expected split.

import { gammaln } from './stdlib.js';

export const SRM_PRIOR_CONCENTRATION = 100;

export interface SequentialSrmResult {
  /** ln of the Bayes factor against the configured split. */
  logBayesFactor: number;
  /** Always-valid p-value min(1, 1/BF). */
  pValue: number;
}

/**
 * Always-valid SRM p-value for the unit counts per variant against the weights in force (the
 * expected split; any positive scale). Throws a RangeError on mismatched lengths or bad values.
 */
export function sequentialSrm(
  counts: readonly number[],
  weights: readonly number[],
  concentration = SRM_PRIOR_CONCENTRATION,
): SequentialSrmResult {
  if (counts.length !== weights.length || counts.length < 2) throw new RangeError('counts and weights need the same length (>= 2)');
  if (counts.some((c) => !(c >= 0 && Number.isInteger(c)))) throw new RangeError('counts must be non-negative integers');
  const wsum = weights.reduce((s, w) => s + w, 0);
  if (weights.some((w) => !(w > 0)) || !Number.isFinite(wsum)) throw new RangeError('weights must be positive');
  const theta = weights.map((w) => w / wsum);
  const alpha = theta.map((t) => concentration * t);
  const n = counts.reduce((s, c) => s + c, 0);
  let logBayesFactor = gammaln(concentration) - gammaln(concentration + n);
  counts.forEach((x, i) => {
    logBayesFactor += gammaln(alpha[i]! + x) - gammaln(alpha[i]!) - x * Math.log(theta[i]!);
  });
  return { logBayesFactor, pValue: Math.min(1, Math.exp(-logBayesFactor)) };
}
