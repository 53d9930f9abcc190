// The two-sample KS test of an unsorted sample against a sorted one, without sorting the first:
// a drift check holds its reference sorted (stored so), and sorting the window's values plus the
// merge walk was most of a check's time. Here each current value is ranked in the reference
// through a grid index (one multiply, one table read, a short scan), counted per reference gap,
// and one pass over the reference's distinct values yields the statistic.
//
// Why it is scipy's statistic, bit for bit: scipy takes max |F_a(x) − F_b(x)| over every
// observation x, as i/n − j/m with i = #ref ≤ x, j = #cur ≤ x. Between two consecutive distinct
// reference values (and below the first, above the last) F_a is constant and F_b only grows, so
// over the current values in that open gap the difference is largest at the gap's lower reference
// value (a candidate itself, with fewer current values counted) and smallest at the gap's largest
// current value (j = every current value up to the end of the gap). Those two kinds of candidate
// are the only ones evaluated, with the same floating-point operations as the merge walk.

import { ksPValue, type KsOptions, type KsResult } from './ks.js';
import type { Sample, SortedSample } from './sample.js';

/** Gaps scanned linearly from a grid cell's first reference value before bisecting the cell instead. */
const MAX_SCAN = 8;

/**
 * ks2samp(reference, current) for a reference already sorted with `sortSample`: the same
 * statistic and p-value, in O(n + m) for data without extreme outliers (O(m log n) at worst).
 * `current` is not modified; NaN or empty input throws.
 */
export function ks2sampAgainstSorted(reference: SortedSample, current: Sample, options: KsOptions = {}): KsResult {
  const n = reference.length;
  const m = current.length;
  if (n === 0) throw new RangeError('reference must not be empty');
  if (m === 0) throw new RangeError('current must not be empty');
  // Per gap k (k reference values ≤ x): current values equal to reference[k − 1] (counts[2k]), and
  // strictly above it (counts[2k + 1]); side by side, so a value touches one cache line.
  const counts = scratch(COUNTS, 2 * (n + 1));
  // The grid: n cells over [min, max]. cell(x) = ⌊(x − min)·scale⌋ is monotone in x, so every
  // reference value in a lower cell is < x and every one in a higher cell is > x: #{reference ≤ x}
  // lies within x's cell, found by a short scan or, in a crowded cell, by bisection.
  const min = reference[0]!;
  const max = reference[n - 1]!;
  const scale = n / (max - min);
  const gridded = scale > 0 && Number.isFinite(scale);
  // start[c] = reference values in cells below c.
  const start = scratch(GRID, gridded ? n + 1 : 0);
  if (gridded) {
    for (let i = 0; i < n; i++) {
      const c = Math.floor((reference[i]! - min) * scale);
      start[(c >= n ? n - 1 : c) + 1]!++;
    }
    for (let c = 0; c < n; c++) start[c + 1]! += start[c]!;
  }
  for (let t = 0; t < m; t++) {
    const x = current[t]!;
    let k: number;
    if (x < min) k = 0;
    else if (x >= max) k = n;
    else if (x !== x) throw new RangeError('current contains NaN');
    else if (!gridded) k = upperBound(reference, x, 0, n);
    else {
      let c = Math.floor((x - min) * scale);
      if (c >= n) c = n - 1;
      k = start[c]!;
      const hi = start[c + 1]!;
      if (hi - k > MAX_SCAN) k = upperBound(reference, x, k, hi);
      else while (k < hi && reference[k]! <= x) k++;
    }
    if (k > 0 && reference[k - 1] === x) counts[2 * k]!++;
    else counts[2 * k + 1]!++;
  }
  let maxS = 0;
  let minS = 0;
  let j = counts[1]!;
  if (j > 0) minS = 0 - j / m;
  for (let k = 1; k <= n; k++) {
    // Only the ends of runs of equal reference values are observations' ranks.
    if (k < n && reference[k] === reference[k - 1]) continue;
    j += counts[2 * k]!;
    let diff = k / n - j / m;
    if (diff > maxS) maxS = diff;
    else if (diff < minS) minS = diff;
    const gap = counts[2 * k + 1]!;
    if (gap > 0) {
      j += gap;
      diff = k / n - j / m;
      if (diff > maxS) maxS = diff;
      else if (diff < minS) minS = diff;
    }
  }
  const negMin = -minS;
  return ksPValue(negMin > maxS ? negMin : maxS, n, m, options.method ?? 'auto');
}

// Zeroed arrays reused from call to call: a check runs one test per feature, and fresh arrays for
// each were garbage for the collector to chase during the check.
const COUNTS = 0;
const GRID = 1;
const buffers = [new Uint32Array(0), new Uint32Array(0)];
/** Largest array kept for reuse (8 MiB); a larger reference gets fresh ones. */
const KEPT_LENGTH = 1 << 21;
function scratch(which: number, length: number): Uint32Array {
  if (length > KEPT_LENGTH) return new Uint32Array(length);
  if (buffers[which]!.length < length) buffers[which] = new Uint32Array(length);
  const out = buffers[which]!.subarray(0, length);
  out.fill(0);
  return out;
}

/** First index in [lo, hi) whose value is > x (hi when none). */
function upperBound(sorted: Float64Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
