import { ks2samp, ks2sampAgainstSorted, sortSample } from '../src/index.js';
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
