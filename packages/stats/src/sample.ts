import { RADIX_MIN_LENGTH, radixSortFloat64 } from './radix-sort.js';

/** A numeric sample as accepted by every function of this package. */
export type Sample = Float64Array | readonly number[];

declare const sortedBrand: unique symbol;

/**
 * A sample sorted in ascending order (NaN-free). Produced by {@link sortSample}; the pre-sorted
 * entry points (`ks2sampSorted`, `wassersteinSorted`, `psiSorted`, `driftNumeric`) take it so a
 * drift check sorts each sample once and shares it between tests.
 */
export type SortedSample = Float64Array & { readonly [sortedBrand]: true };

/**
 * Copies a sample into a fresh Float64Array and sorts it ascending: the native typed-array sort
 * (no comparator callback) for small samples, a radix sort from RADIX_MIN_LENGTH values on.
 * Throws on NaN: every test here would silently give NaN or a wrong statistic, and scipy's
 * default `nan_policy='propagate'` only returns NaN, which is never what a monitor should store.
 */
export function sortSample(x: Sample, name = 'sample'): SortedSample {
  const out = x instanceof Float64Array ? x.slice() : Float64Array.from(x);
  if (out.length === 0) throw new RangeError(`${name} must not be empty`);
  if (out.length >= RADIX_MIN_LENGTH) {
    if (!radixSortFloat64(out)) throw new RangeError(`${name} contains NaN`);
  } else {
    out.sort();
    // The typed-array sort places NaN last, so one look at the end finds any.
    if (Number.isNaN(out[out.length - 1])) throw new RangeError(`${name} contains NaN`);
  }
  return out as SortedSample;
}

/** Round half to even, as numpy's `np.round` does (the KS code paths depend on it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; numpy rounds ties to the even neighbour.
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
