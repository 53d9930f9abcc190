/**
 * The Sobol' sequence (Sobol' 1967) with the direction numbers of Joe & Kuo (2008,
 * new-joe-kuo-6.21201, the table scipy uses), unscrambled and in Gray-code order, so point n equals
 * row n of scipy.stats.qmc.Sobol(d, scramble=False).random(...). Point n is the XOR of the direction
 * numbers v_j for the set bits j of gray(n) = n ^ (n >> 1) (Antonov & Saleev 1979).
 */
const BITS = 30;

/** Joe & Kuo's rows for dimensions 2..: degree s, coefficients a, initial m_1..m_s. */
const JOE_KUO: readonly { s: number; a: number; m: readonly number[] }[] = [
  { s: 1, a: 0, m: [1] },
  { s: 2, a: 1, m: [1, 3] },
  { s: 3, a: 1, m: [1, 3, 1] },
  { s: 3, a: 2, m: [1, 1, 1] },
  { s: 4, a: 1, m: [1, 1, 3, 3] },
  { s: 4, a: 4, m: [1, 3, 5, 13] },
  { s: 5, a: 2, m: [1, 1, 5, 5, 17] },
];

export const SOBOL_MAX_DIMENSIONS = JOE_KUO.length + 1;

/** v_1..v_BITS of one dimension, as integers scaled by 2^BITS. */
function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 1 << (BITS - 1 - k);
    return v;
  }
  const { s, a, m: initial } = JOE_KUO[dimension - 1]!;
  const m = [...initial];
  // m_k = 2a_1 m_{k−1} ⊕ 2²a_2 m_{k−2} ⊕ … ⊕ 2^{s−1}a_{s−1} m_{k−s+1} ⊕ 2^s m_{k−s} ⊕ m_{k−s} (Joe & Kuo eq. 3).
  for (let k = s; k < BITS; k++) {
    let next = m[k - s]! ^ (m[k - s]! << s);
    for (let i = 1; i < s; i++) if ((a >> (s - 1 - i)) & 1) next ^= m[k - i]! << i;
    m.push(next);
  }
  for (let k = 0; k < BITS; k++) v[k] = m[k]! << (BITS - 1 - k);
  return v;
}

/** A generator of one dimension count; points are computed directly from their index. */
export class Sobol {
  private readonly directions: Uint32Array[];

  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > SOBOL_MAX_DIMENSIONS)
      throw new RangeError(`dimensions must be 1..${SOBOL_MAX_DIMENSIONS}, got ${dimensions}`);
    this.directions = Array.from({ length: dimensions }, (_, d) => directionNumbers(d));
  }

  /** Point `index` (0-based; below 2^30) in [0, 1)^d. */
  point(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS)
      throw new RangeError(`index must be an integer in [0, 2^${BITS}), got ${index}`);
    const gray = index ^ (index >>> 1);
    return this.directions.map((v) => {
      let x = 0;
      for (let k = 0; k < BITS; k++) if ((gray >>> k) & 1) x ^= v[k]!;
      return (x >>> 0) / 2 ** BITS;
    });
  }
}
