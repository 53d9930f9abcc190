// Exact null distribution of the two-sample Kolmogorov–Smirnov statistic by counting lattice
// paths (Hodges 1958, "The significance probability of the Smirnov two-sample test", Ark. Mat.
// 3(43), following Drion/Gnedenko/Korolyuk), exactly as scipy.stats.ks_2samp computes it:
//   - equal sizes: _compute_prob_outside_square, a Horner-like form of the reflection sum
//       P(D >= h/n) = 2 Σ_k (-1)^(k+1) C(2n, n - kh) / C(2n, n)
//   - unequal sizes: _compute_outer_prob_inside_method, which carries 1 - (share of paths inside
//     the band) column by column (Viehmann 2021, arXiv:2102.08037) so it never forms huge
//     binomials nor subtracts nearly equal numbers.
// Both return a probability; the caller treats anything outside [0, 1] (rounding) as a failed
// exact computation and falls back to the asymptotic p-value, as scipy does.

/**
 * P(D_{n,n} >= h/n) for two samples of equal size n (0 < h <= n).
 * P = 2·A0·(1 - A1·(1 - A2·(1 - ...))), each A_k a ratio of h simple factors.
 */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * Share of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n),
 * i.e. P(D_{m,n} >= h/lcm(m,n)) under the null. g = gcd(m, n).
 */
export function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  // Only a sliding window [minj, maxj) of one column of the path-count table is kept.
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  // Slack of two cells past lenA, holding 1 (the value carried above the band), so that a read
  // one past the window never sees garbage.
  const A = new Float64Array(lenA + 2).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + shift]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1]!;
}
