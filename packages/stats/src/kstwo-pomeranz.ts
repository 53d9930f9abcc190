// Exact CDF of the two-sided one-sample Kolmogorov–Smirnov statistic by Pomeranz's recursion
// (Pomeranz 1974, CACM Algorithm 487), following scipy.stats._ksstats._kolmogn_Pomeranz: each
// of the 2n+1 steps convolves a band of the previous row with (almost-)Poisson weights; only
// two rows are kept and intermediate results are rescaled by 2^±128. Used for n <= 140 and
// 0.754693 < n·d² <= 4 (Simard & L'Ecuyer 2011, Table 1).

import { clip01, ldexp } from './float.js';

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;

function bandLimits(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n <= x) by the Pomeranz recursion. */
export function kolmogornPomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  // (g/n)^m/m!, (2g/n)^m/m!, ((1-2g)/n)^m/m!: Poisson probabilities without e^-λ.
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m;
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinusTwoGOverN) / m;
  }

  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let j1 = bandLimits(0, n, ll, ceilf, roundf)[0];
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    const band = bandLimits(i, n, ll, ceilf, roundf);
    j1 = band[0];
    const j2 = band[1];
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // Full convolution of V0[k1-V0s : k1-V0s+ln2] (truncated at the row end, as numpy
      // slicing does) with pwrs[:ln2]; keep entries conv_start .. conv_start+conv_len-1.
      const aStart = k1 - V0s;
      const aLen = Math.min(ln2, npwrs - aStart);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      for (let o = 0; o < convLen; o++) {
        const idx = convStart + o;
        let s = 0;
        const lo = Math.max(0, idx - (ln2 - 1));
        const hi = Math.min(idx, aLen - 1);
        for (let a = lo; a <= hi; a++) s += V0[aStart + a]! * pwrs[idx - a]!;
        V1[o] = s;
      }
      let maxV = -Infinity;
      for (let o = 0; o < npwrs; o++) if (V1[o]! > maxV) maxV = V1[o]!;
      if (maxV > 0 && maxV < EM128) {
        for (let o = 0; o < npwrs; o++) V1[o]! *= EP128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }

  let ans = V1[n - V1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}
