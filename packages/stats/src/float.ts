// Small floating-point helpers shared by the Kolmogorov distribution code.

/** x * 2^e without the intermediate overflow/underflow of `x * 2 ** e` for |e| > 1023. */
export function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp splitting constant for doubles

/**
 * Exact product a*b = hi + lo (Dekker's TwoProduct). cephes' smirnov computes floor(n*x) in
 * double-double; this reproduces that without an FMA instruction.
 */
export function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const lo = al * bl - (hi - ah * bh - al * bh - ah * bl);
  return [hi, lo];
}

export function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
