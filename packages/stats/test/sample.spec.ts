import { roundHalfEven, sortSample } from '../src/index.js';
import { RADIX_MIN_LENGTH, radixSortFloat64 } from '../src/radix-sort.js';
import { generate } from './prng.js';

describe('sortSample / radixSortFloat64', () => {
  const specials = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];

  it.each([
    ['normal', generate({ gen: 'normal', seed: 1, n: 20000, sd: 1e6 })],
    ['ints with ties', generate({ gen: 'ints', seed: 2, n: 9000, k: 13, offset: -6 })],
    ['heavy tails', generate({ gen: 'heavy', seed: 3, n: RADIX_MIN_LENGTH })],
    ['constant', new Float64Array(5000).fill(3.5)],
  ])('radix order equals the native typed-array order (%s)', (_name, x) => {
    const withSpecials = Float64Array.from([...x, ...specials]);
    const native = withSpecials.slice().sort();
    const radix = withSpecials.slice();
    expect(radixSortFloat64(radix)).toBe(true);
    // Object.is distinguishes -0 from +0: the order of signed zeros matches too.
    for (let i = 0; i < native.length; i++) expect(Object.is(radix[i], native[i])).toBe(true);
  });

  it('refuses NaN on both paths', () => {
    const big = generate({ gen: 'uniform', seed: 4, n: RADIX_MIN_LENGTH + 10 });
    big[17] = NaN;
    expect(radixSortFloat64(big.slice())).toBe(false);
    expect(() => sortSample(big)).toThrow(/NaN/);
    expect(() => sortSample([1, NaN, 2])).toThrow(/NaN/);
  });

  it('returns a sorted copy and leaves the input alone', () => {
    const x = [3, -1, 2];
    expect(Array.from(sortSample(x))).toEqual([-1, 2, 3]);
    expect(x).toEqual([3, -1, 2]);
  });
});

describe('roundHalfEven (numpy np.round)', () => {
  it('rounds ties to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
