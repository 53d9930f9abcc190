import { autoTest, autoTestSorted, distinctSorted, ks2samp, ks2sampAgainstSorted, sortSample } from '../src/index.js';
import { expectRelClose } from './helpers.js';
import { KS_CASES } from './reference/ks.ref.js';
import { generate, materialize } from './prng.js';

// ks2sampAgainstSorted must give ks2samp's result exactly (statistic and p-value, same method):
// the drift check uses it for every `ks` feature, and the bench compares it with scipy bit for bit.
const same = (reference: Float64Array, current: Float64Array, method?: 'auto' | 'exact' | 'asymp') => {
  const r = ks2sampAgainstSorted(sortSample(reference), current, { method });
  expect(r).toEqual(ks2samp(reference, current, { method }));
  return r;
};

describe('ks2sampAgainstSorted equals ks2samp', () => {
  it.each(KS_CASES.map((c) => [`${c.note} [${c.call}]`, c] as const))('scipy case %s', (_label, c) => {
    const r = same(materialize(c.a), materialize(c.b), c.method);
    expect(r.statistic).toBe(c.statistic);
  });

  it('on shifted, rescaled, tied, heavy-tailed and out-of-range samples of many sizes', () => {
    const cases: [Float64Array, Float64Array][] = [
      [generate({ gen: 'normal', seed: 1, n: 10_000 }), generate({ gen: 'normal', seed: 2, n: 10_000, mu: 0.1, sd: 1.2 })],
      [generate({ gen: 'normal', seed: 3, n: 997 }), generate({ gen: 'normal', seed: 4, n: 12_003, mu: -0.3 })],
      // Ties within and across the samples, values below and above the reference's range.
      [generate({ gen: 'ints', seed: 5, n: 5000, k: 7 }), generate({ gen: 'ints', seed: 6, n: 3000, k: 11, offset: -2 })],
      [generate({ gen: 'heavy', seed: 7, n: 8000 }), generate({ gen: 'heavy', seed: 8, n: 8000 })],
      [generate({ gen: 'uniform', seed: 9, n: 50 }), generate({ gen: 'uniform', seed: 10, n: 20_000, lo: -0.5, hi: 1.5 })],
      // One outlier crowds every other reference value into the grid's first cell (bisection path).
      [Float64Array.from([...generate({ gen: 'normal', seed: 11, n: 4000 }), 1e12]), generate({ gen: 'normal', seed: 12, n: 4000 })],
    ];
    for (const [a, b] of cases) {
      same(a, b);
      same(a, b, 'asymp');
      same(b, a);
    }
  });

  it('on a constant reference, -0 against +0, and single values', () => {
    same(new Float64Array(100).fill(3), Float64Array.from([1, 3, 3, 5]));
    same(Float64Array.from([-0, 0, 1, 2]), Float64Array.from([0, -0, -0, 2, 2]));
    same(Float64Array.from([1]), Float64Array.from([1]));
    same(Float64Array.from([1, 2]), Float64Array.from([0.5]));
  });

  it('leaves the current sample as it was and refuses NaN or empty samples', () => {
    const current = Float64Array.from([3, 1, 2]);
    ks2sampAgainstSorted(sortSample([1, 2, 4]), current);
    expect(Array.from(current)).toEqual([3, 1, 2]);
    expect(() => ks2sampAgainstSorted(sortSample([1, 2]), Float64Array.from([1, NaN]))).toThrow('NaN');
    expect(() => ks2sampAgainstSorted(sortSample([1, 2]), new Float64Array())).toThrow('empty');
  });
});

describe('autoTestSorted equals autoTest on numeric samples', () => {
  it('in every branch: KS (≤ 1000 rows), normed Wasserstein (more), chi-square and z (few values)', () => {
    const cases: [Float64Array, Float64Array][] = [
      [generate({ gen: 'normal', seed: 21, n: 800 }), generate({ gen: 'normal', seed: 22, n: 600, mu: 0.2 })],
      [generate({ gen: 'normal', seed: 23, n: 5000 }), generate({ gen: 'normal', seed: 24, n: 4000, sd: 1.3 })],
      [generate({ gen: 'ints', seed: 25, n: 900, k: 4 }), generate({ gen: 'ints', seed: 26, n: 700, k: 4 })],
      [generate({ gen: 'ints', seed: 27, n: 3000, k: 3 }), generate({ gen: 'ints', seed: 28, n: 2000, k: 3 })],
    ];
    const tests = cases.map(([a, b]) => {
      const sorted = autoTestSorted(sortSample(a), sortSample(b));
      const plain = autoTest(a, b, 'numeric');
      if (sorted.test === 'ks' || sorted.test === 'wasserstein-normed') expect(sorted).toEqual(plain);
      else {
        // Categories are summed in sorted order here, first-seen order there: equal to the last bits.
        expect({ ...sorted, statistic: 0, pValue: 0 }).toEqual({ ...plain, statistic: 0, pValue: 0 });
        expectRelClose(sorted.statistic, plain.statistic, 1e-12, sorted.test);
        if (plain.pValue !== undefined) expectRelClose(sorted.pValue!, plain.pValue, 1e-12, sorted.test);
      }
      expect(autoTestSorted(sortSample(a), sortSample(b), distinctSorted(sortSample(a)))).toEqual(sorted);
      return sorted.test;
    });
    expect(tests).toEqual(['ks', 'wasserstein-normed', 'chi-square', 'jensen-shannon']);
    // Two values: the z test; its sign follows the smallest value's share, its p-value any order.
    const a = Float64Array.from({ length: 400 }, (_, i) => (i % 3 ? 5 : 1));
    const b = Float64Array.from({ length: 300 }, (_, i) => (i % 2 ? 5 : 1));
    const z = autoTestSorted(sortSample(a), sortSample(b));
    expect(z.test).toBe('z');
    expectRelClose(z.pValue!, autoTest(a, b, 'numeric').pValue!, 1e-12, 'z');
    expect(z.statistic).toBe(autoTest(sortSample(a), b, 'numeric').statistic);
    expect(distinctSorted(sortSample([-0, 0, 1, 1, 2]))).toBe(3);
  });
});
