// The KLL sketch and the drift statistics computed from sketches, against the exact statistics on
// the same data. The exact side is our ks2samp / psi / wasserstein, which match scipy's ks_2samp
// statistic bit for bit, scipy's wasserstein_distance to 1e-9 and the numpy PSI definition to 1e-9
// (ks.spec.ts, drift.spec.ts with the scipy values in reference/).

import {
  cdfDistances,
  KllSketch,
  ks2samp,
  ks2sampSorted,
  ksFromCdfs,
  mergeSketches,
  psiFromCdfs,
  psiSorted,
  sampleCdf,
  sketchCdf,
  sortSample,
  wassersteinFromCdfs,
  wassersteinNormedSorted,
} from '../src/index.js';
import { generate } from './prng.js';

const N = 1_000_000;
const MAX_SKETCH_BYTES = 64 * 1024;

function sketchOf(values: Float64Array, seed?: number): KllSketch {
  return new KllSketch(undefined, seed).updateAll(values);
}

/** The largest |F̂(x) − F(x)| over the sample's points: the sketch's uniform rank error. */
function uniformRankError(sketch: KllSketch, sorted: Float64Array): number {
  return cdfDistances(sketchCdf(sketch), sampleCdf(sortSample(sorted))).d;
}

function scaled(x: Float64Array, factor: number, shift = 0): Float64Array {
  return x.map((v) => v * factor + shift);
}

// Two 1M-vs-1M pairs: a small location shift of a normal (Irwin–Hall) and a heavy right tail
// (1/(u + 0.01) − 1, values up to 99) against the same law stretched by 10 %.
const normal = generate({ gen: 'normal', seed: 11, n: N });
const shiftedNormal = generate({ gen: 'normal', seed: 12, n: N, mu: 0.05 });
const heavy = generate({ gen: 'heavy', seed: 13, n: N });
const stretchedHeavy = scaled(generate({ gen: 'heavy', seed: 14, n: N }), 1.1);

describe.each([
  ['normal vs normal shifted by 0.05 sd', normal, shiftedNormal],
  ['heavy tail vs the same tail stretched 10 %', heavy, stretchedHeavy],
])('sketch statistics on 1M vs 1M: %s', (_name, a, b) => {
  const sa = sketchOf(a, 1);
  const sb = sketchOf(b, 2);
  // Sorted once: the exact statistics and the exact reference CDF share the sorts.
  const sortedA = sortSample(a);
  const sortedB = sortSample(b);
  const exactKs = ks2sampSorted(sortedA, sortedB).statistic;
  const exactPsi = psiSorted(sortedA, sortedB).value;

  it('keeps each sketch within 64 KB, with exact count and moments', () => {
    for (const [s, x] of [
      [sa, a],
      [sb, b],
    ] as const) {
      expect(s.serialize().length).toBeLessThanOrEqual(MAX_SKETCH_BYTES);
      expect(s.n).toBe(N);
      expect(s.min).toBe(x.reduce((m, v) => (v < m ? v : m), Infinity));
      expect(s.max).toBe(x.reduce((m, v) => (v > m ? v : m), -Infinity));
      expect(s.sum).toBeCloseTo(
        x.reduce((t, v) => t + v, 0),
        4,
      );
    }
  });

  it('gives the KS statistic within 0.01 of the exact one', () => {
    const sketchKs = ksFromCdfs(sketchCdf(sa), sketchCdf(sb)).statistic;
    expect(exactKs).toBeGreaterThan(0.015); // the pair is really shifted
    expect(Math.abs(sketchKs - exactKs)).toBeLessThan(0.01);
  });

  it('gives PSI within 0.01 of the exact one', () => {
    const sketchPsi = psiFromCdfs(sketchCdf(sa), sketchCdf(sb));
    expect(Math.abs(sketchPsi - exactPsi)).toBeLessThan(0.01);
  });

  it('gives the KS statistic and PSI within 0.01 from a sketch against the exact sorted reference', () => {
    const ref = sampleCdf(sortedA);
    expect(Math.abs(ksFromCdfs(ref, sketchCdf(sb)).statistic - exactKs)).toBeLessThan(0.01);
    expect(Math.abs(psiFromCdfs(ref, sketchCdf(sb)) - exactPsi)).toBeLessThan(0.01);
  });

  // The drift threshold of the normed W1 is 0.1; the sketch keeps it within 0.005 of the exact one.
  it('gives the normed W1 within 0.005 of the exact one', () => {
    const exact = wassersteinNormedSorted(sortedA, sortedB);
    const fromSketch = wassersteinFromCdfs(sketchCdf(sa), sketchCdf(sb)).normed;
    expect(Math.abs(fromSketch - exact)).toBeLessThan(0.005);
  });
});

describe('KLL sketch', () => {
  it('is exact while the stream fits in k items', () => {
    const a = generate({ gen: 'normal', seed: 3, n: 1500 });
    const b = generate({ gen: 'normal', seed: 4, n: 1200, mu: 0.3 });
    const exact = ks2samp(a, b).statistic;
    // Same steps; the shares are summed weights / n instead of i/n − j/m, hence the last bit.
    expect(ksFromCdfs(sketchCdf(sketchOf(a)), sketchCdf(sketchOf(b))).statistic).toBeCloseTo(exact, 14);
  });

  it('merges associatively within the bound: ((a ∪ b) ∪ c) and (a ∪ (b ∪ c)) both track the exact CDF', () => {
    const parts = [0, 1, 2].map((i) => generate({ gen: 'heavy', seed: 20 + i, n: 100_000 }));
    const [a, b, c] = parts.map((p, i) => sketchOf(p, 100 + i)) as [KllSketch, KllSketch, KllSketch];
    const clone = (s: KllSketch) => KllSketch.deserialize(s.serialize());
    const left = clone(a).merge(clone(b)).merge(clone(c));
    const right = clone(a).merge(clone(b).merge(clone(c)));
    const all = new Float64Array(300_000);
    parts.forEach((p, i) => all.set(p, i * 100_000));
    for (const s of [left, right]) {
      expect(s.n).toBe(300_000);
      expect(s.serialize().length).toBeLessThanOrEqual(MAX_SKETCH_BYTES);
      expect(uniformRankError(s, all)).toBeLessThan(0.003);
    }
    expect(cdfDistances(sketchCdf(left), sketchCdf(right)).d).toBeLessThan(0.005);
    expect(left.min).toBe(right.min);
    expect(left.max).toBe(right.max);
  });

  it('merges 168 hourly bucket sketches into one within the bound and the size', () => {
    const hours = Array.from({ length: 168 }, (_, h) => generate({ gen: 'normal', seed: 1000 + h, n: 1000, mu: h / 168 }));
    const merged = mergeSketches(hours.map((x, h) => sketchOf(x, h + 1)));
    const all = new Float64Array(168 * 1000);
    hours.forEach((x, h) => all.set(x, h * 1000));
    expect(merged.n).toBe(all.length);
    expect(merged.serialize().length).toBeLessThanOrEqual(MAX_SKETCH_BYTES);
    expect(uniformRankError(merged, all)).toBeLessThan(0.003);
  });

  it('round-trips through its serialized form and refuses malformed bytes', () => {
    const s = sketchOf(generate({ gen: 'uniform', seed: 5, n: 50_000 }));
    const back = KllSketch.deserialize(s.serialize());
    expect(back.serialize()).toEqual(s.serialize());
    expect(sketchCdf(back)).toEqual(sketchCdf(s));
    expect(() => KllSketch.deserialize(new Uint8Array(10))).toThrow(RangeError);
    expect(() => KllSketch.deserialize(s.serialize().subarray(0, 100))).toThrow(RangeError);
  });

  it('refuses NaN and skips it in updateAll', () => {
    const s = new KllSketch();
    expect(() => s.update(NaN)).toThrow(RangeError);
    s.updateAll([1, NaN, 2]);
    expect(s.n).toBe(2);
    expect(s.sum).toBe(3);
  });
});
