import { ks2samp, ks2sampSorted, ksStatisticSorted, sortSample } from '../src/index.js';
import { expectRelClose, shuffled } from './helpers.js';
import { generate, materialize } from './prng.js';
import { KS_CASES } from './reference/ks.ref.js';

describe('ks2samp against scipy.stats.ks_2samp (reference/ks.ref.ts)', () => {
  it.each(KS_CASES.map((c) => [`${c.note} [${c.call}]`, c] as const))('%s', (_label, c) => {
    const a = materialize(c.a);
    const b = materialize(c.b);
    const r = ks2samp(a, b, { method: c.method });
    // Same floating-point operations as scipy: the statistic is bit-identical.
    expect(r.statistic).toBe(c.statistic);
    expect(r.method).toBe(c.used);
    // 1e-9 for the exact lattice-path p-values, 1e-7 for the finite-n Kolmogorov distribution.
    expectRelClose(r.pValue, c.pValue, c.used === 'exact' ? 1e-9 : 1e-7, c.note);
  });
});

describe('ks2samp properties', () => {
  const a = generate({ gen: 'normal', seed: 101, n: 700 });
  const b = generate({ gen: 'normal', seed: 102, n: 450, mu: 0.15 });

  it('is symmetric in its arguments', () => {
    for (const method of ['auto', 'exact', 'asymp'] as const) {
      expect(ks2samp(b, a, { method })).toEqual(ks2samp(a, b, { method }));
    }
  });

  it('does not depend on the order of the observations', () => {
    const r = ks2samp(a, b);
    expect(ks2samp(shuffled(a, 1), shuffled(b, 2))).toEqual(r);
    expect(ks2samp(Array.from(a).reverse(), Array.from(b))).toEqual(r);
  });

  it('stays within its bounds and gives D = 0, p = 1 for identical samples', () => {
    for (let seed = 0; seed < 20; seed++) {
      const x = generate({ gen: 'ints', seed, n: 30 + seed, k: 4 });
      const y = generate({ gen: 'uniform', seed: seed + 50, n: 40, lo: -1, hi: 4 });
      const r = ks2samp(x, y);
      expect(r.statistic).toBeGreaterThanOrEqual(0);
      expect(r.statistic).toBeLessThanOrEqual(1);
      expect(r.pValue).toBeGreaterThanOrEqual(0);
      expect(r.pValue).toBeLessThanOrEqual(1);
      expect(ks2samp(x, shuffled(x, seed))).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
    }
  });

  it('gives the same answer for number[] and Float64Array input and leaves the input untouched', () => {
    const copy = a.slice();
    expect(ks2samp(Array.from(a), Array.from(b))).toEqual(ks2samp(a, b));
    expect(a).toEqual(copy);
  });

  it('pre-sorted entry point equals the sorting one', () => {
    const sa = sortSample(a);
    const sb = sortSample(b);
    expect(ks2sampSorted(sa, sb)).toEqual(ks2samp(a, b));
    expect(ksStatisticSorted(sa, sb)).toBe(ks2samp(a, b, { method: 'asymp' }).statistic);
  });

  it('separates disjoint samples completely (D = 1)', () => {
    expect(ks2samp([1, 2, 3], [10, 11]).statistic).toBe(1);
    expect(ks2samp([10, 11], [1, 2, 3]).statistic).toBe(1);
  });

  it('rejects empty samples and NaN', () => {
    expect(() => ks2samp([], [1])).toThrow(/must not be empty/);
    expect(() => ks2samp([1, NaN], [1])).toThrow(/NaN/);
  });
});
