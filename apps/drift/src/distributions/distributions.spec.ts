import { categoricalDistribution, distributionOf, MAX_CATEGORIES, NUMERIC_BINS, numericDistribution } from './distributions.js';

describe('feature distributions for the overlay chart', () => {
  it('bins numeric samples over their common range, as shares of the present values', () => {
    // Reference 0..9, current 10..19 (and one missing value): the range is 0..19, 20 bins of width 0.95.
    const ref = Float64Array.from({ length: 10 }, (_, i) => i);
    const cur = Float64Array.from([...Array.from({ length: 10 }, (_, i) => 10 + i), Number.NaN]);
    const d = numericDistribution(ref, cur);
    expect(d.referenceRows).toBe(10);
    expect(d.currentRows).toBe(10);
    expect(d.bins).toHaveLength(NUMERIC_BINS);
    expect(d.bins[0]).toMatchObject({ from: 0, reference: 0.1, current: 0 });
    expect(d.bins[19]).toMatchObject({ to: 19, reference: 0, current: 0.1 });
    const sum = (key: 'reference' | 'current') => d.bins.reduce((s, b) => s + b[key], 0);
    expect(sum('reference')).toBeCloseTo(1, 12);
    expect(sum('current')).toBeCloseTo(1, 12);
    // The lower half holds the reference only, the upper half the current window only.
    expect(d.bins.slice(0, 10).every((b) => b.current === 0)).toBe(true);
    expect(d.bins.slice(11).every((b) => b.reference === 0)).toBe(true);
  });

  it('puts a constant sample in one bin and answers no bins when there is nothing', () => {
    expect(numericDistribution(Float64Array.from([3, 3]), Float64Array.from([3])).bins).toEqual([
      { label: '3.000–3.000', from: 3, to: 3, reference: 1, current: 1 },
    ]);
    expect(numericDistribution(new Float64Array(), Float64Array.from([Number.NaN]))).toEqual({
      referenceRows: 0,
      currentRows: 0,
      bins: [],
    });
  });

  it('ranks categories by combined share and sums the rare ones as other', () => {
    const d = categoricalDistribution({ basic: 6, pro: 4 }, ['pro', 'pro', 'pro', 'team', null]);
    expect(d).toEqual({
      referenceRows: 10,
      currentRows: 4,
      bins: [
        { label: 'pro', from: null, to: null, reference: 0.4, current: 0.75 },
        { label: 'basic', from: null, to: null, reference: 0.6, current: 0 },
        { label: 'team', from: null, to: null, reference: 0, current: 0.25 },
      ],
    });
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`c${String(i).padStart(2, '0')}`, 30 - i]));
    const wide = categoricalDistribution({ ...many, other: 5, constructor: 1 }, []);
    expect(wide.bins).toHaveLength(MAX_CATEGORIES + 1);
    expect(wide.bins.filter((b) => b.label === 'other')).toHaveLength(1);
    expect(wide.bins.reduce((s, b) => s + b.reference, 0)).toBeCloseTo(1, 12);
  });

  it('follows the reference kind, and the window alone without a reference', () => {
    expect(distributionOf({ kind: 'categorical', counts: { a: 1 } }, ['a', 'b']).bins.map((b) => b.label)).toEqual(['a', 'b']);
    expect(distributionOf(undefined, Float64Array.from([1, 2])).referenceRows).toBe(0);
    expect(distributionOf(undefined, undefined).bins).toEqual([]);
  });
});
