// Population Stability Index with quantile bins fitted on the reference sample:
//   PSI = Σ_i (c_i - r_i) · ln(c_i / r_i)
// where r_i, c_i are the shares of the reference and current samples in bin i (the symmetric
// Kullback–Leibler divergence between the two binned distributions).

import { type Sample, sortSample, type SortedSample } from './sample.js';

export interface PsiOptions {
  /** Number of quantile bins fitted on the reference (default 10). */
  bins?: number;
  /** Share substituted for an empty bin (default 1e-4); see {@link psi}. */
  eps?: number;
}

export interface PsiResult {
  value: number;
  /**
   * Bin boundaries: [min(reference), q_1, …, q_{k-1}, max(reference)]. The first and last bins
   * are open-ended: values of the current sample outside the reference range fall in them.
   */
  edges: number[];
  /** Share of the reference in each bin (before the eps substitution). */
  refShare: number[];
  /** Share of the current sample in each bin (before the eps substitution). */
  curShare: number[];
}

export const PSI_DEFAULT_BINS = 10;
export const PSI_DEFAULT_EPS = 1e-4;

/**
 * q-quantile of a sorted sample with numpy's default 'linear' method (Hyndman & Fan type 7),
 * using numpy's own lerp so edges are bit-identical to np.quantile.
 */
export function quantileSorted(x: SortedSample | Float64Array, q: number): number {
  const n = x.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return x[n - 1]!;
  if (virtual < 0) return x[0]!;
  const lo = Math.floor(virtual);
  const a = x[lo]!;
  const b = x[lo + 1]!;
  const t = virtual - lo;
  const diff = b - a;
  // numpy._lerp: interpolate from the nearer end so the result stays within [a, b].
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Interior quantile edges q_1 < … < q_{k-1} of the reference, duplicates merged. */
export function quantileEdges(reference: SortedSample, bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantileSorted(reference, k / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

/**
 * Counts of a sorted sample in the bins (-∞, e_1], (e_1, e_2], …, (e_{k-1}, ∞) — right-closed,
 * i.e. bin index = np.searchsorted(edges, x, side='left') — in one pass.
 */
export function countInBins(x: SortedSample, interior: readonly number[]): number[] {
  const counts = new Array<number>(interior.length + 1).fill(0);
  let bin = 0;
  let start = 0;
  for (let i = 0; i < x.length; i++) {
    while (bin < interior.length && x[i]! > interior[bin]!) {
      counts[bin] = i - start;
      start = i;
      bin++;
    }
  }
  counts[bin] = x.length - start;
  return counts;
}

/**
 * PSI on samples already sorted with {@link sortSample}.
 *
 * eps rule: a bin share that is exactly zero (the bin is empty in that sample) is replaced by
 * `eps` before the sum, with no renormalisation — the convention of Evidently's PSI. Without it
 * one empty bin makes PSI infinite; with it an empty bin contributes (s - eps)·ln(s/eps), large
 * but finite, so one new category of values still dominates the score.
 */
export function psiSorted(reference: SortedSample, current: SortedSample, options: PsiOptions = {}): PsiResult {
  const bins = options.bins ?? PSI_DEFAULT_BINS;
  const eps = options.eps ?? PSI_DEFAULT_EPS;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be a positive integer');
  if (!(eps > 0)) throw new RangeError('eps must be positive');
  const interior = quantileEdges(reference, bins);
  const refCounts = countInBins(reference, interior);
  const curCounts = countInBins(current, interior);
  const refShare = refCounts.map((c) => c / reference.length);
  const curShare = curCounts.map((c) => c / current.length);
  const edges = [reference[0]!, ...interior, reference[reference.length - 1]!];
  return { value: psiOfShares(refShare, curShare, eps), edges, refShare, curShare };
}

/** Σ (c − r) · ln(c / r) over the bins, an empty bin's share replaced by eps on either side. */
function psiOfShares(refShare: readonly number[], curShare: readonly number[], eps: number): number {
  let value = 0;
  for (let i = 0; i < refShare.length; i++) {
    const r = refShare[i] === 0 ? eps : refShare[i]!;
    const c = curShare[i] === 0 ? eps : curShare[i]!;
    value += (c - r) * Math.log(c / r);
  }
  return value;
}

/**
 * PSI of a categorical column from its counts per category (the categories are the bins), both
 * arrays in the same category order; categories empty on one side get share eps (default 1e-4).
 */
export function psiCounts(refCounts: readonly number[], curCounts: readonly number[], eps = PSI_DEFAULT_EPS): number {
  if (refCounts.length !== curCounts.length) throw new RangeError('refCounts and curCounts must list the same categories');
  if (!(eps > 0)) throw new RangeError('eps must be positive');
  const total = (counts: readonly number[]) => counts.reduce((s, c) => s + c, 0);
  const refTotal = total(refCounts);
  const curTotal = total(curCounts);
  if (!(refTotal > 0) || !(curTotal > 0)) throw new RangeError('both samples need at least one counted value');
  return psiOfShares(
    refCounts.map((c) => c / refTotal),
    curCounts.map((c) => c / curTotal),
    eps,
  );
}

/** Population Stability Index of `current` against quantile bins of `reference`. */
export function psi(reference: Sample, current: Sample, options: PsiOptions = {}): PsiResult {
  return psiSorted(sortSample(reference, 'reference'), sortSample(current, 'current'), options);
}
