import { GrowthBookClient } from '@growthbook/growthbook';
import { assigner, bucketRanges, chooseVariant, fnv1a32, hash } from './index.js';

/** Ids of many shapes: numeric, uuid-like, emails, non-ASCII (BMP and astral), empty-ish. */
function ids(count: number): string[] {
  const extra = ['', ' ', 'ü', 'Ünïcødé-ユーザー', '用户-42', '😀-surrogate-pair', 'Ωmega', 'a'.repeat(300)];
  const out = [...extra];
  for (let i = 0; out.length < count; i++) {
    out.push(String(i), `user-${i}@example.com`, `${(i * 2654435761) >>> 0}-${i.toString(36)}`, `ключ-${i}`);
  }
  return out.slice(0, count);
}

describe('FNV-1a', () => {
  // Reference values of 32-bit FNV-1a from the FNV test suite (isthe.com/chongo/tech/comp/fnv).
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j like the reference', (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });
});

describe('identical to GrowthBook (hash version 2)', () => {
  const client = new GrowthBookClient({});
  const cases = [
    { seed: 'exp-checkout', weights: [0.5, 0.5], coverage: 1 },
    { seed: 'churn-v3', weights: [0.2, 0.3, 0.5], coverage: 0.6 },
    { seed: 'ünï-seed', weights: [0.1, 0.9], coverage: 0.05 },
  ];

  it.each(cases)('gives the same position and arm for 20,000 ids ($seed)', ({ seed, weights, coverage }) => {
    const assign = assigner({ seed, weights, coverage });
    let mismatches = 0;
    let inside = 0;
    for (const id of ids(20_000)) {
      const ours = assign(id);
      const theirs = client.runInlineExperiment(
        { key: seed, seed, hashVersion: 2, variations: weights.map((_, i) => i) as [number, number, ...number[]], weights, coverage },
        { attributes: { id } },
      );
      if (id === '') continue; // GrowthBook skips units without an id; we assign them like any string.
      const theirVariant = theirs.inExperiment ? theirs.variationId : -1;
      if (ours.variant !== theirVariant || (theirs.inExperiment && ours.position !== theirs.bucket)) mismatches++;
      if (ours.inExperiment) inside++;
    }
    expect(mismatches).toBe(0);
    expect(inside / 20_000).toBeCloseTo(coverage, 1);
  });
});

describe('buckets', () => {
  it('splits [0,1) by cumulative weight, scaled by coverage', () => {
    expect(bucketRanges([0.5, 0.5], 1)).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
    expect(bucketRanges([0.25, 0.75], 0.5)).toEqual([
      [0, 0.125],
      [0.25, 0.625],
    ]);
    expect(bucketRanges([50, 50])).toEqual(bucketRanges([0.5, 0.5]));
  });

  it('only adds units when coverage rises: nobody changes arm', () => {
    const low = assigner({ seed: 's', weights: [0.3, 0.7], coverage: 0.4 });
    const high = assigner({ seed: 's', weights: [0.3, 0.7], coverage: 0.9 });
    let moved = 0;
    let added = 0;
    for (const id of ids(20_000)) {
      const a = low(id);
      const b = high(id);
      if (a.inExperiment && a.variant !== b.variant) moved++;
      if (!a.inExperiment && b.inExperiment) added++;
    }
    expect(moved).toBe(0);
    expect(added).toBeGreaterThan(8_000);
  });

  it('returns -1 outside every range and rejects nonsense weights', () => {
    expect(chooseVariant(0.99, bucketRanges([0.5, 0.5], 0.5))).toBe(-1);
    expect(() => bucketRanges([])).toThrow(RangeError);
    expect(() => bucketRanges([0, 0])).toThrow(RangeError);
    expect(() => bucketRanges([1, -1])).toThrow(RangeError);
    expect(() => bucketRanges([Number.NaN])).toThrow(RangeError);
  });

  it('spreads units evenly: a chi-square test of 100,000 ids over 4 arms does not reject', () => {
    const assign = assigner({ seed: 'uniformity', weights: [0.25, 0.25, 0.25, 0.25], coverage: 1 });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[assign(`u${i}`).variant]!++;
    const chi2 = counts.reduce((s, c) => s + (c - 25_000) ** 2 / 25_000, 0);
    // chi-square(3) 0.999 quantile = 16.266 (scipy.stats.chi2.ppf(0.999, 3)).
    expect(chi2).toBeLessThan(16.266);
  });

  it('is a pure function of seed and unit', () => {
    expect(hash('seed', 'unit')).toBe(hash('seed', 'unit'));
    expect(hash('seed', 'unit')).not.toBe(hash('seed2', 'unit'));
  });
});
