// The finite-n two-sided Kolmogorov distribution: the law of D_n = sup|F_n - F| for a sample
// of size n from a continuous F (scipy.stats.kstwo). ks2samp's asymptotic p-value is
// kstwo.sf(D, round(n·m/(n+m))), as in scipy.stats.ks_2samp.
//
// Method selection is Simard & L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov-Smirnov
// Distribution", J. Stat. Softw. 39(11), with scipy's cut-offs (scipy.stats._ksstats._kolmogn):
//   n·x <= 1 or >= n-1 : Ruben & Gambino closed forms
//   x >= 0.5           : 2·smirnov(n, x) exactly (D+ and D- cannot both exceed 1/2)
//   n <= 140           : Durbin (n·x² <= 0.754693), Pomeranz (<= 4), else 2·smirnov
//   n > 140            : SF = 2·smirnov for n·x² >= 2.2 (0 past 370); otherwise
//                        Durbin when n <= 100000 and n·x^1.5 <= 1.4, else Pelz–Good
// Accuracy target here: 1e-7 relative to scipy (tests compare against scipy 1.17).

import { clip01 } from './float.js';
import { kolmogornDurbinCdf } from './kstwo-durbin.js';
import { kolmogornPelzGood } from './kstwo-pelz-good.js';
import { kolmogornPomeranzCdf } from './kstwo-pomeranz.js';
import { smirnovSf } from './smirnov.js';

const LOG_2PI = Math.log(2 * Math.PI);
// Bernoulli-number Stirling series coefficients B_2j/(2j(2j-1)), j = 8..1 (scipy's _loggamma).
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

/** log(n!/n^n) by Stirling's series with n·log(n) removed up front (no cancellation). */
function logNFactorialOverNPowN(n: number): number {
  const rn = 1 / n;
  const y = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * y + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

function kolmogn(n: number, x: number, cdf: boolean): number {
  if (Number.isNaN(x) || !Number.isInteger(n) || n <= 0) return NaN;
  const pick = (cdfProb: number, sfProb: number): number => clip01(cdf ? cdfProb : sfProb);
  if (x >= 1) return pick(1, 0);
  if (x <= 0) return pick(0, 1);
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: P(D_n <= x) = n!/n^n (2t - 1)^n for 1/(2n) <= x <= 1/n.
    if (t <= 0.5) return pick(0, 1);
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialOverNPowN(n) + n * Math.log(2 * t - 1));
    }
    return pick(prob, 1 - prob);
  }
  if (t >= n - 1) {
    const prob = 2 * (1 - x) ** n; // Ruben–Gambino upper end
    return pick(1 - prob, prob);
  }
  if (x >= 0.5) {
    const prob = 2 * smirnovSf(n, x);
    return pick(1 - prob, prob);
  }
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) {
      const prob = kolmogornDurbinCdf(n, x);
      return pick(prob, 1 - prob);
    }
    if (nxsquared <= 4) {
      const prob = kolmogornPomeranzCdf(n, x);
      return pick(prob, 1 - prob);
    }
    const prob = 2 * smirnovSf(n, x);
    return pick(1 - prob, prob);
  }
  if (!cdf) {
    if (nxsquared >= 370) return 0;
    if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  }
  let cdfprob: number;
  if (nxsquared >= 18) cdfprob = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdfprob = kolmogornDurbinCdf(n, x);
  else cdfprob = kolmogornPelzGood(n, x, true);
  return pick(cdfprob, 1 - cdfprob);
}

/**
 * Survival function P(D_n >= d) of the two-sided one-sample KS statistic for sample size n
 * (= scipy.stats.kstwo.sf(d, n)). NaN unless n is a positive integer.
 */
export function kstwoSf(d: number, n: number): number {
  if (!Number.isInteger(n) || n < 1) return NaN;
  if (d <= 0.5 / n) return 1; // below the support: scipy returns 1 without calling kolmogn
  return kolmogn(n, d, false);
}

/** CDF P(D_n <= d) (= scipy.stats.kstwo.cdf(d, n)). */
export function kstwoCdf(d: number, n: number): number {
  if (!Number.isInteger(n) || n < 1) return NaN;
  if (d <= 0.5 / n) return 0;
  return kolmogn(n, d, true);
}
