// Assertion helpers for reference comparisons.

/** Relative closeness |a - e| <= rtol·|e|, with exact matching of 0, ±∞ and NaN. */
export function expectRelClose(actual: number, expected: number, rtol: number, label = ''): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected) || expected === 0) {
    expect({ label, value: actual }).toEqual({ label, value: expected });
    return;
  }
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  if (!(rel <= rtol)) {
    throw new Error(`${label}: expected ${expected}, got ${actual} (relative error ${rel.toExponential(2)} > ${rtol})`);
  }
}

/** Deterministic Fisher–Yates shuffle (for permutation-invariance properties). */
export function shuffled(x: Float64Array, seed: number): Float64Array {
  const out = x.slice();
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
