/**
 * The Halton sequence (Halton 1960): coordinate j of point n is the radical inverse of n in the j-th
 * prime base, i.e. n's base-p digits mirrored about the radix point. Unscrambled, starting at n = 0
 * (the origin), as scipy.stats.qmc.Halton(d, scramble=False).
 */
const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

export const HALTON_MAX_DIMENSIONS = PRIMES.length;

/** φ_p(n) = Σ d_k p^−(k+1) for n = Σ d_k p^k. */
export function radicalInverse(n: number, base: number): number {
  let inverse = 0;
  let scale = 1 / base;
  for (let rest = n; rest > 0; rest = Math.floor(rest / base)) {
    inverse += (rest % base) * scale;
    scale /= base;
  }
  return inverse;
}

/** Point `index` (0-based) of the `dimensions`-dimensional Halton sequence, in [0, 1)^d. */
export function haltonPoint(index: number, dimensions: number): number[] {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > PRIMES.length)
    throw new RangeError(`dimensions must be 1..${PRIMES.length}, got ${dimensions}`);
  return PRIMES.slice(0, dimensions).map((p) => radicalInverse(index, p));
}
