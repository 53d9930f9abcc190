// Jensen–Shannon distance and the helper that turns two samples into comparable histograms.

import { type Sample, sortSample, type SortedSample } from './sample.js';

/** x·ln(x/y) with the conventions of scipy.special.rel_entr (0 for x = 0, ∞ for y = 0 < x). */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * Jensen–Shannon distance with natural logarithms (= scipy.spatial.distance.jensenshannon(p, q)):
 * sqrt((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2, after normalising p and q to sum to 1.
 * Lies in [0, √ln 2]; Evidently's drift threshold on it is 0.1.
 */
export function jensenShannon(p: readonly number[] | Float64Array, q: readonly number[] | Float64Array): number {
  if (p.length !== q.length || p.length === 0) {
    throw new RangeError('p and q must be non-empty and of the same length');
  }
  let ps = 0;
  let qs = 0;
  for (let i = 0; i < p.length; i++) {
    if (!(p[i]! >= 0) || !(q[i]! >= 0)) throw new RangeError('p and q must be non-negative');
    ps += p[i]!;
    qs += q[i]!;
  }
  if (!(ps > 0) || !(qs > 0)) throw new RangeError('p and q must not sum to 0');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / ps;
    const qi = q[i]! / qs;
    const mi = (pi + qi) / 2;
    left += relEntr(pi, mi);
    right += relEntr(qi, mi);
  }
  // Rounding can leave the sum a hair below zero for identical inputs.
  return Math.sqrt(Math.max(0, (left + right) / 2));
}

export interface BinnedDistributions {
  /** Share of the reference in each bin / category. */
  p: number[];
  /** Share of the current sample in each bin / category. */
  q: number[];
  /** Numeric: the bins+1 shared edges. */
  edges?: number[];
  /** Categorical: the categories, in order of first appearance (reference first). */
  categories?: Array<string | number>;
}

/** Default number of shared equal-width bins (Evidently's Jensen–Shannon default). */
export const JS_DEFAULT_BINS = 30;

/**
 * Shared equal-width bins over the combined range of two sorted samples, with numpy's
 * np.histogram_bin_edges edges (linspace from min to max; ±0.5 around a constant) and bins
 * [e_i, e_{i+1}) except the last, which is closed, as np.histogram counts.
 */
export function sharedHistogram(
  a: SortedSample,
  b: SortedSample,
  bins: number = JS_DEFAULT_BINS,
): { edges: number[]; countsA: number[]; countsB: number[] } {
  let first = Math.min(a[0]!, b[0]!);
  let last = Math.max(a[a.length - 1]!, b[b.length - 1]!);
  if (!Number.isFinite(first) || !Number.isFinite(last)) throw new RangeError('samples must be finite');
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const step = (last - first) / bins;
  const edges: number[] = [];
  for (let i = 0; i < bins; i++) edges.push(i * step + first);
  edges.push(last);
  const count = (x: SortedSample): number[] => {
    const counts = new Array<number>(bins).fill(0);
    let bin = 0;
    for (let i = 0; i < x.length; i++) {
      while (bin < bins - 1 && x[i]! >= edges[bin + 1]!) bin++;
      counts[bin]!++;
    }
    return counts;
  };
  return { edges, countsA: count(a), countsB: count(b) };
}

/** Numeric histograms of two samples on shared bins, as shares. */
export function binNumeric(reference: Sample, current: Sample, bins = JS_DEFAULT_BINS): BinnedDistributions {
  const r = sortSample(reference, 'reference');
  const c = sortSample(current, 'current');
  const h = sharedHistogram(r, c, bins);
  return {
    p: h.countsA.map((v) => v / r.length),
    q: h.countsB.map((v) => v / c.length),
    edges: h.edges,
  };
}

/** Category counts of two samples over the union of their categories (reference order first). */
export function categoryCounts(
  reference: Iterable<string | number>,
  current: Iterable<string | number>,
): { categories: Array<string | number>; ref: number[]; cur: number[] } {
  const index = new Map<string | number, number>();
  const ref: number[] = [];
  const cur: number[] = [];
  const add = (v: string | number, counts: number[]): void => {
    let k = index.get(v);
    if (k === undefined) {
      k = index.size;
      index.set(v, k);
      ref.push(0);
      cur.push(0);
    }
    counts[k]!++;
  };
  for (const v of reference) add(v, ref);
  for (const v of current) add(v, cur);
  return { categories: [...index.keys()], ref, cur };
}

/** Category shares of two samples over the union of their categories. */
export function binCategorical(
  reference: Sample | ReadonlyArray<string | number>,
  current: Sample | ReadonlyArray<string | number>,
): BinnedDistributions {
  if (reference.length === 0 || current.length === 0) throw new RangeError('samples must not be empty');
  const c = categoryCounts(reference, current);
  return {
    p: c.ref.map((v) => v / reference.length),
    q: c.cur.map((v) => v / current.length),
    categories: c.categories,
  };
}

/**
 * Builds p (reference) and q (current) for {@link jensenShannon} from raw samples: numeric
 * samples on `bins` shared equal-width bins over their combined range (default 30, Evidently's
 * choice), categorical samples as category shares over the union of categories.
 */
export function distributionsFromSamples(
  reference: Sample | ReadonlyArray<string | number>,
  current: Sample | ReadonlyArray<string | number>,
  kind: 'numeric' | 'categorical',
  bins = JS_DEFAULT_BINS,
): BinnedDistributions {
  if (kind === 'numeric') return binNumeric(reference as Sample, current as Sample, bins);
  return binCategorical(reference, current);
}
