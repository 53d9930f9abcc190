// One merge pass over two sorted samples yielding both the KS statistic and the first
// Wasserstein distance: the drift check needs both, and the pass is dominated by the
// unpredictable "which sample is next" branch, so sharing it halves that cost.

import type { SortedSample } from './sample.js';

export interface MergeStats {
  /** sup_x |F_a(x) - F_b(x)| (two-sided KS statistic), as scipy computes it. */
  d: number;
  /** ∫ |F_a - F_b| (first Wasserstein distance), as scipy.stats.wasserstein_distance computes it. */
  w1: number;
}

/**
 * Walks the distinct values v_1 < v_2 < … of the union. After consuming every copy of v_k the
 * empirical CDFs are i/n and j/m; their difference is both a KS candidate (scipy evaluates
 * i/n - j/m at every observation, searchsorted side='right') and the height of the
 * |F_a - F_b| step on [v_k, v_{k+1}) that the Wasserstein integral multiplies by v_{k+1} - v_k.
 * The floating-point operations match scipy's, so the KS statistic is bit-identical.
 */
export function mergeStats(a: SortedSample, b: SortedSample): MergeStats {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let maxS = 0;
  let minS = 0;
  let w1 = 0;
  let diff = 0; // F_a - F_b on [prev, next value)
  let prev = a[0]! <= b[0]! ? a[0]! : b[0]!;
  while (i < n && j < m) {
    const x = a[i]!;
    const y = b[j]!;
    let v: number;
    if (x < y) {
      v = x;
      i++;
      while (i < n && a[i] === v) i++;
    } else if (y < x) {
      v = y;
      j++;
      while (j < m && b[j] === v) j++;
    } else {
      v = x;
      i++;
      j++;
      while (i < n && a[i] === v) i++;
      while (j < m && b[j] === v) j++;
    }
    w1 += (diff < 0 ? -diff : diff) * (v - prev);
    prev = v;
    diff = i / n - j / m;
    if (diff > maxS) maxS = diff;
    else if (diff < minS) minS = diff;
  }
  // One sample is exhausted: the remaining differences shrink monotonically to 0 (no new KS
  // extreme) but still weigh in the Wasserstein integral.
  while (i < n) {
    const v = a[i]!;
    w1 += (diff < 0 ? -diff : diff) * (v - prev);
    prev = v;
    while (i < n && a[i] === v) i++;
    diff = i / n - 1;
  }
  while (j < m) {
    const v = b[j]!;
    w1 += (diff < 0 ? -diff : diff) * (v - prev);
    prev = v;
    while (j < m && b[j] === v) j++;
    diff = 1 - j / m;
  }
  const negMin = -minS;
  return { d: negMin > maxS ? negMin : maxS, w1 };
}
