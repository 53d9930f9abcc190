export type BucketRange = readonly [start: number, end: number];

/**
 * Where each arm's units fall in [0, 1): range i = [c_i, c_i + coverage·w_i), with c_i the
 * cumulative weight of the arms before i. Raising coverage only extends each range, so units
 * already in the experiment keep their arm; lowering it only removes units.
 *
 * Weights are used as given when they sum to 1 (the arithmetic then matches GrowthBook's to the
 * last bit); otherwise they are scaled to sum to 1 (so 50/50 and 0.5/0.5 mean the same).
 */
export function bucketRanges(weights: readonly number[], coverage = 1): BucketRange[] {
  if (weights.length === 0) throw new RangeError('at least one weight is needed');
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new RangeError('weights must be finite and non-negative');
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new RangeError('weights must not all be zero');
  const scaled = Math.abs(total - 1) > 1e-9 ? weights.map((w) => w / total) : weights;
  const c = Math.min(1, Math.max(0, coverage));
  let cumulative = 0;
  return scaled.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + c * w] as const;
  });
}

/** The arm whose range holds `n`, or -1 when `n` is outside every range (not in the experiment). */
export function chooseVariant(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    if (n >= range[0] && n < range[1]) return i;
  }
  return -1;
}
