// Exact CDF of the two-sided one-sample Kolmogorov–Smirnov statistic by Durbin's matrix
// (Durbin 1968) in the form of Marsaglia, Tsang & Wang (2003, J. Stat. Softw. 8(18)), as
// scipy.stats._ksstats._kolmogn_DMTW computes it: with d = (k - h)/n, P(D_n < d) equals
// n!/n^n · (H^n)_{k,k} for an m×m matrix H, m = 2k - 1. Cost O(m³ log n); the dispatcher
// (kstwo.ts) only calls it where m stays small.

import { clip01, ldexp } from './float.js';

const { abs } = Math; // module binding: no global lookup in hot loops under vm contexts (Jest)
const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let l = 0; l < m; l++) {
      const ail = a[row + l]!;
      if (ail === 0) continue;
      const brow = l * m;
      for (let j = 0; j < m; j++) c[row + j]! += ail * b[brow + j]!;
    }
  }
  return c;
}

/** P(D_n <= d) by the Durbin matrix algorithm (MTW variant). */
export function kolmogornDurbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  // First column v (and, reversed, last row) of H: v[j] = (1 - h^(j+1)) / (j+1)!;
  // w[j] = 1/j! fills the band below the diagonal.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;

  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)]!;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  // H^n by repeated squaring, rescaling by 2^-128 whenever the (k,k) entry grows past 2^128.
  let Hpwr: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hpwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let Hexpnt = 0;
  const kk = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2) {
      Hpwr = matmul(Hpwr, H, m);
      expnt += Hexpnt;
    }
    H = matmul(H, H, m);
    Hexpnt *= 2;
    if (abs(H[kk]!) > EP128) {
      for (let i = 0; i < H.length; i++) H[i]! /= EP128;
      Hexpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }

  let p = Hpwr[kk]!;
  // Multiply by n!/n^n one factor at a time, keeping p away from underflow.
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}
