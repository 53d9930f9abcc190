// First Wasserstein (earth mover's) distance between two empirical distributions,
// = scipy.stats.wasserstein_distance(a, b): the L1 distance between the two empirical CDFs,
//   W1 = ∫ |F_a(t) - F_b(t)| dt = Σ_k |F_a(x_k) - F_b(x_k)| · (x_{k+1} - x_k)
// over the merged sorted values x_k (Ramdas, Garcia & Cuturi 2015, arXiv:1509.02237).

import { mergeStats } from './merge.js';
import { type Sample, sortSample, type SortedSample } from './sample.js';

/** W1 between two samples already sorted with {@link sortSample} (see {@link mergeStats}). */
export function wassersteinSorted(a: SortedSample, b: SortedSample): number {
  return mergeStats(a, b).w1;
}

/** W1 distance between two samples (= scipy.stats.wasserstein_distance(a, b)). */
export function wasserstein(a: Sample, b: Sample): number {
  return wassersteinSorted(sortSample(a, 'a'), sortSample(b, 'b'));
}

/** Population standard deviation (ddof = 0, as np.std), two-pass for accuracy. */
export function populationStd(x: Float64Array): number {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

/** Floor on the reference spread, so a constant reference does not divide by zero (Evidently). */
export const WASSERSTEIN_STD_FLOOR = 0.001;

/**
 * W1 divided by the reference's population standard deviation floored at 0.001 — Evidently's
 * "normed Wasserstein" drift score, comparable across features of different scales.
 */
export function wassersteinNormedSorted(reference: SortedSample, current: SortedSample): number {
  const sd = Math.max(populationStd(reference), WASSERSTEIN_STD_FLOOR);
  return wassersteinSorted(reference, current) / sd;
}

/** Normed Wasserstein distance: wasserstein(reference, current) / max(std(reference), 0.001). */
export function wassersteinNormed(reference: Sample, current: Sample): number {
  return wassersteinNormedSorted(sortSample(reference, 'reference'), sortSample(current, 'current'));
}
