// Deterministic sample generators shared by the tests and by test/reference/generate.py, which
// implements the same arithmetic in Python: the reference values were computed by scipy on
// bit-identical data. Only integer ops, + - * / on doubles and no transcendental functions (whose
// last bit can differ between V8 and glibc) are used, so both languages produce the same doubles.

/** mulberry32 (Tommy Ettinger): 32-bit state, uniform in [0, 1) with 32 random bits. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a) >>> 0;
    t = ((t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The data set descriptions used in the reference files. */
export type Gen =
  | { gen: 'normal'; seed: number; n: number; mu?: number; sd?: number }
  | { gen: 'uniform'; seed: number; n: number; lo?: number; hi?: number }
  | { gen: 'ints'; seed: number; n: number; k: number; offset?: number }
  | { gen: 'heavy'; seed: number; n: number };

/**
 * normal: Irwin–Hall approximation (sum of 12 uniforms − 6, exact in doubles) · sd + mu.
 * uniform: lo + (hi − lo)·u. ints: floor(k·u) + offset (ties). heavy: 1/(u + 0.01) − 1 (skewed,
 * heavy right tail).
 */
export function generate(g: Gen): Float64Array {
  const rnd = mulberry32(g.seed);
  const out = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) {
    switch (g.gen) {
      case 'normal': {
        let s = 0;
        for (let k = 0; k < 12; k++) s += rnd();
        out[i] = (s - 6) * (g.sd ?? 1) + (g.mu ?? 0);
        break;
      }
      case 'uniform':
        out[i] = (g.lo ?? 0) + ((g.hi ?? 1) - (g.lo ?? 0)) * rnd();
        break;
      case 'ints':
        out[i] = Math.floor(g.k * rnd()) + (g.offset ?? 0);
        break;
      case 'heavy':
        out[i] = 1 / (rnd() + 0.01) - 1;
        break;
    }
  }
  return out;
}

/** A sample given inline or by a generator description. */
export type Data = readonly number[] | Gen;

export function materialize(d: Data): Float64Array {
  return Array.isArray(d) ? Float64Array.from(d as readonly number[]) : generate(d as Gen);
}
