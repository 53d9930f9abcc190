// One-sided one-sample Kolmogorov–Smirnov survival function P(D_n^+ >= x), the quantity
// scipy.special.smirnov returns. The two-sided finite-n Kolmogorov distribution (kstwo.ts) uses
// 2·smirnov(n, x) wherever the two one-sided events cannot both happen (x >= 0.5) or are too rare
// to overlap measurably (Simard & L'Ecuyer 2011, Sec. 2: n·x² >= 2.2 for n > 140).
//
// Follows the structure of cephes' kolmogorov.c (van Mulbregt, arXiv:1802.06966): the
// Smirnov/Birnbaum–Tingey sum
//   P(D_n^+ >= x) = x · Σ_{v=0}^{⌊n(1-x)⌋} C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v)
// with cephes' special cases and stopping rule. cephes keeps each term as a double-double
// mantissa with a separate exponent; here each term is exp() of a sum of logarithms, and the
// quantities x + v/n and 1 - x - v/n are formed from the exact split n·x = ⌊n·x⌋ + α, which keeps
// every term to ~n·1e-16 relative error — far inside the 1e-7 we promise for kstwo.

import { twoProduct } from './float.js';

// Module-level aliases: inside a vm context (Jest runs tests in one) each `Math.x` in a hot loop
// is a slow global-object lookup; a module binding is not. Harmless in plain Node.
const { abs, exp, log, log1p } = Math;
const EPSILON = Number.EPSILON;

/** cephes MINLOG = log(2^-1022): exp() of anything lower is zero in double precision. */
const MINLOG = -708.3964185322641;
/** Above this n, cephes switches to the closed-form approximation (too slow otherwise). */
const SMIRNOV_MAX_COMPUTE_N = 1000000;

/**
 * Survival function of the one-sided statistic D_n^+ (= scipy.special.smirnov(n, x)).
 * Only the lower (all-positive) sum of cephes is implemented: cephes' alternative upper sum is
 * chosen only for x <= 0.5/√n, a region the two-sided distribution never sends here.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  // floor(n·x) and its fractional part α, exactly (cephes modNX does this in double-double).
  const [p, e] = twoProduct(n, x);
  let nxfl = Math.floor(p);
  let alpha: number;
  if (p === nxfl) {
    if (e < 0) {
      nxfl -= 1;
      alpha = 1 + e;
    } else {
      alpha = e;
    }
  } else {
    alpha = p - nxfl + e;
  }
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }

  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    // x <= 1/n: a single term, P = 1 - x(1+x)^(n-1).
    return 1 - x * exp((n - 1) * log1p(x));
  }
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return exp(n * log1p(-x)); // x >= 1 - 1/n: (1-x)^n
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    // cephes: p ~ exp(-(6nx+1)^2 / 18n) for n too large to sum.
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? exp(logp) : 1 + Math.expm1(logp);
  }

  const nTerms = n - nxfl; // v = 0 .. n - nxfl - 1 (the v = n - nxfl term is zero or excluded)
  const vmid = Math.floor(n / 2);
  // v = 0: (1-x)^n / x
  let sum = exp(n * log1p(-x) - log(x));
  // log C(n, v) is a running sum that grows to ~n·ln2 while its increments are O(1): plain
  // summation would drift by ~n·1e-16·√n (2e-8 relative at n = 1e6); Neumaier's compensated sum
  // keeps the drift at the rounding of the increments.
  let logC = log(n); // log C(n, 1)
  let logCComp = 0;
  for (let v = 1; v < nTerms; v++) {
    // x + v/n = (⌊nx⌋ + v + α)/n is formed without cancellation.
    // log1p keeps (n - v)·log(1 - x - v/n) accurate when n is large and x + v/n small; near the
    // end of the sum 1 - x - v/n is formed directly as (n - v - ⌊nx⌋ - α)/n instead.
    const upper = (nxfl + v + alpha) / n;
    const logLower = upper < 0.5 ? log1p(-upper) : log((n - v - nxfl - alpha) / n);
    const term = exp(logC + logCComp + (n - v) * logLower + (v - 1) * log(upper));
    if (term !== 0 && term !== Infinity) sum += term;
    // cephes' stopping rule: the remaining (n - v) terms cannot add 1 ulp.
    if (term !== 0) {
      if (4 * (nTerms - v) * term < EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
    const inc = log((n - v) / (v + 1));
    const next = logC + inc;
    logCComp += abs(logC) >= abs(inc) ? logC - next + inc : inc - next + logC;
    logC = next;
  }
  const sf = x * sum;
  return sf < 0 ? 0 : sf > 1 ? 1 : sf;
}
