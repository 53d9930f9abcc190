// Sealed KLL sketches (sorted levels, views of stored bytes) and their merges: daily roll-ups of
// hourly sketches, and windows merged from roll-ups and hours. The exact side is our ks2samp / psi,
// which match scipy's ks_2samp statistic bit for bit and the numpy PSI definition to 1e-9
// (ks.spec.ts, drift.spec.ts with the scipy values in reference/).

import {
  cdfDistances,
  compactBytes,
  compactCdf,
  compactOf,
  decodeCompact,
  encodeCompact,
  KllSketch,
  ks2sampSorted,
  ksFromCdfs,
  mergeCompact,
  psiFromCdfs,
  psiSorted,
  retainedOf,
  sampleCdf,
  sketchCdf,
  sortSample,
  type CompactKll,
} from '../src/index.js';
import { generate } from './prng.js';

const MAX_SKETCH_BYTES = 64 * 1024;
/** The uniform rank error of one sketch at k = 2048 claimed in kll.ts and sketch-drift.ts. */
const EPS = 0.003;
const HOURS = 168;
const PER_HOUR = 6000;

// A week of hourly streams (1,008,000 values) whose mean drifts by 0.3 sd over the week, against
// an unshifted 1M reference.
const hourly = Array.from({ length: HOURS }, (_, h) => generate({ gen: 'normal', seed: 5000 + h, n: PER_HOUR, mu: (0.3 * h) / HOURS }));
const week = new Float64Array(HOURS * PER_HOUR);
hourly.forEach((x, h) => week.set(x, h * PER_HOUR));
const sortedWeek = sortSample(week);
const sortedReference = sortSample(generate({ gen: 'normal', seed: 77, n: 1_000_000 }));
const reference = sampleCdf(sortedReference);
const exactKs = ks2sampSorted(sortedReference, sortedWeek).statistic;
const exactPsi = psiSorted(sortedReference, sortedWeek).value;

/** What ingestion stores for an hour: the live sketch, sealed, encoded. */
const stored = (x: Float64Array, seed: number) => encodeCompact(compactOf(new KllSketch(undefined, seed).updateAll(x)));
const hourBytes = hourly.map((x, h) => stored(x, h + 1));
const hours = hourBytes.map((b) => decodeCompact(b));
const days = Array.from({ length: 7 }, (_, d) => mergeCompact(hours.slice(24 * d, 24 * d + 24)));

const rankError = (s: CompactKll) => cdfDistances(compactCdf(s), sampleCdf(sortedWeek)).d;

describe('sealed KLL sketches', () => {
  it('decode as views of the stored bytes and give the live sketch’s CDF exactly', () => {
    const live = new KllSketch(undefined, 9).updateAll(hourly[0]!);
    const bytes = encodeCompact(compactOf(live));
    const decoded = decodeCompact(bytes);
    expect(decoded.levels[decoded.levels.length - 1]!.buffer).toBe(bytes.buffer);
    expect(compactCdf(decoded)).toEqual(sketchCdf(live));
    expect([decoded.n, decoded.min, decoded.max, decoded.sum, decoded.sumSq]).toEqual([live.n, live.min, live.max, live.sum, live.sumSq]);
    // At an address not a multiple of 8 the bytes are copied once, with the same result.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(compactCdf(decodeCompact(shifted.subarray(3)))).toEqual(sketchCdf(live));
    // Format 1 (KllSketch.serialize, written before sealed sketches) still decodes.
    expect(compactCdf(decodeCompact(live.serialize()))).toEqual(sketchCdf(live));
    expect(() => decodeCompact(bytes.subarray(0, bytes.length - 8))).toThrow(RangeError);
    expect(() => decodeCompact(new Uint8Array(10))).toThrow(RangeError);
  });

  it('keep every hourly and daily sketch within 64 KB, with exact counts', () => {
    for (const b of hourBytes) expect(b.length).toBeLessThanOrEqual(MAX_SKETCH_BYTES);
    for (const d of days) {
      expect(compactBytes(d)).toBeLessThanOrEqual(MAX_SKETCH_BYTES);
      expect(d.n).toBe(24 * PER_HOUR);
    }
  });

  it('merge into sorted levels: a merge’s levels are sorted and its weights sum to n', () => {
    const merged = mergeCompact(days);
    let weight = 0;
    merged.levels.forEach((level, h) => {
      for (let i = 1; i < level.length; i++) expect(level[i - 1]! <= level[i]!).toBe(true);
      weight += level.length * 2 ** h;
    });
    expect(weight).toBe(week.length);
    expect(merged.n).toBe(week.length);
    expect(retainedOf(merged)).toBeLessThan(week.length / 100);
  });

  it('give a daily roll-up the same statistics as merging its hours, within the bound', () => {
    // One day: the roll-up against the merge of the same 24 hourly sketches in one pass, and the exact day.
    const dayValues = sortSample(week.subarray(0, 24 * PER_HOUR));
    const exactDay = sampleCdf(dayValues);
    const oneDay = days[0]!;
    const viaHours = mergeCompact(hours.slice(0, 24));
    expect(cdfDistances(compactCdf(oneDay), exactDay).d).toBeLessThan(EPS);
    expect(
      Math.abs(ksFromCdfs(reference, compactCdf(oneDay)).statistic - ks2sampSorted(sortedReference, dayValues).statistic),
    ).toBeLessThan(EPS);
    expect(
      Math.abs(ksFromCdfs(reference, compactCdf(oneDay)).statistic - ksFromCdfs(reference, compactCdf(viaHours)).statistic),
    ).toBeLessThanOrEqual(2 * EPS);
  });

  it.each([
    ['7 daily roll-ups', () => mergeCompact(days)],
    ['6 daily roll-ups and 24 hourly sketches', () => mergeCompact([...days.slice(0, 6), ...hours.slice(144)])],
    ['168 hourly sketches in one merge', () => mergeCompact(hours)],
  ])(
    'give a week merged from %s the KS statistic within ε and PSI within 0.01 of the exact ones, and the rank error within ε',
    (_name, make) => {
      const merged = make();
      expect(merged.n).toBe(week.length);
      expect(compactBytes(merged)).toBeLessThanOrEqual(MAX_SKETCH_BYTES);
      expect(rankError(merged)).toBeLessThan(EPS);
      expect(exactKs).toBeGreaterThan(0.03); // the week really drifted
      const ks = ksFromCdfs(reference, compactCdf(merged)).statistic;
      expect(Math.abs(ks - exactKs)).toBeLessThan(EPS);
      expect(Math.abs(psiFromCdfs(reference, compactCdf(merged)) - exactPsi)).toBeLessThan(0.01);
    },
  );
});
