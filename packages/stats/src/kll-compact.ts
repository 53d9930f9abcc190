// The sealed form of a KLL sketch (kll.ts), for sketches that are stored and merged but no longer
// updated: a time bucket's sketch once written, a day's roll-up, a window's merge.
//
// Why a second form: a check over a week of hourly buckets merges thousands of stored sketches.
// With `KllSketch` every one is decoded item by item into JavaScript arrays and every compaction
// sorts its level again. Here each level is kept sorted, so
// - decoding is a view: the levels are Float64Array views of the stored bytes (8-byte aligned in the
//   format; a buffer at an unaligned address is copied once, whole);
// - merging gathers each level's sorted runs with linear merges, and a compaction of a sorted level
//   (every other item, promoted with double weight) stays sorted and merges into the level above
//   linearly: nothing is sorted again;
// - the CDF is a merge of the levels' sorted runs.
// The compaction rule (capacities, the odd item out, the fair coin) is kll.ts's, so the bound is
// the one tested there: a merged sketch is a KLL sketch of the union of its inputs.

import { KllSketch, levelCapacity } from './kll.js';
import { stepCdf, type StepCdf } from './sketch-drift.js';

const FORMAT_VERSION = 2;
const HEADER_BYTES = 48;

/** A KLL sketch with sorted levels (level h holds items of weight 2^h); read-only. */
export interface CompactKll {
  readonly k: number;
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly sumSq: number;
  /** Compaction coin state, carried so merges are reproducible. */
  readonly seed: number;
  readonly levels: readonly Float64Array[];
}

const align8 = (x: number) => (x + 7) & ~7;

/** The sealed form of a live sketch (its levels sorted once). */
export function compactOf(sketch: KllSketch): CompactKll {
  const { k, n, min, max, sum, sumSq, seed } = sketch;
  return { k, n, min, max, sum, sumSq, seed, levels: sketch.sortedLevels() };
}

export function retainedOf(sketch: CompactKll): number {
  let total = 0;
  for (const level of sketch.levels) total += level.length;
  return total;
}

/** Encoded size in bytes (a multiple of 8, so encodings can follow one another aligned). */
export function compactBytes(sketch: CompactKll): number {
  return align8(HEADER_BYTES + 4 * sketch.levels.length) + 8 * retainedOf(sketch);
}

/**
 * Format 2: u8 version, u8 levels, u16 k, u32 coin state, f64 n, min, max, sum, sumSq, u32 size per
 * level, zero padding to 8 bytes, then each level's sorted items as little-endian f64.
 */
export function encodeCompact(sketch: CompactKll, into?: Uint8Array): Uint8Array {
  const bytes = into ?? new Uint8Array(compactBytes(sketch));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint8(0, FORMAT_VERSION);
  view.setUint8(1, sketch.levels.length);
  view.setUint16(2, sketch.k, true);
  view.setUint32(4, sketch.seed, true);
  [sketch.n, sketch.min, sketch.max, sketch.sum, sketch.sumSq].forEach((v, j) => view.setFloat64(8 + 8 * j, v, true));
  sketch.levels.forEach((level, h) => view.setUint32(HEADER_BYTES + 4 * h, level.length, true));
  let at = align8(HEADER_BYTES + 4 * sketch.levels.length);
  for (const level of sketch.levels) {
    new Uint8Array(bytes.buffer, bytes.byteOffset + at, level.byteLength).set(
      new Uint8Array(level.buffer, level.byteOffset, level.byteLength),
    );
    at += level.byteLength;
  }
  return bytes;
}

/** Bytes whose address allows Float64Array views (copied once when it does not). */
export function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
}

/**
 * Decodes format 2 as views of `bytes` (no copy when `bytes` is 8-byte aligned), or format 1
 * (`KllSketch.serialize`) by deserializing it. The caller must not change `bytes` afterwards.
 */
export function decodeCompact(input: Uint8Array): CompactKll {
  if (input.length < HEADER_BYTES) throw new RangeError('not a KLL sketch: too short');
  if (input[0] === 1) return compactOf(KllSketch.deserialize(input));
  if (input[0] !== FORMAT_VERSION) throw new RangeError('not a KLL sketch: unknown format version');
  const bytes = aligned(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const levelCount = view.getUint8(1);
  let at = align8(HEADER_BYTES + 4 * levelCount);
  if (levelCount < 1 || bytes.length < at) throw new RangeError('not a KLL sketch: bad level count');
  const levels: Float64Array[] = [];
  for (let h = 0; h < levelCount; h++) {
    const size = view.getUint32(HEADER_BYTES + 4 * h, true);
    if (at + 8 * size > bytes.length) throw new RangeError('not a KLL sketch: bad length');
    levels.push(new Float64Array(bytes.buffer, bytes.byteOffset + at, size));
    at += 8 * size;
  }
  if (at !== bytes.length) throw new RangeError('not a KLL sketch: bad length');
  const [n, min, max, sum, sumSq] = [0, 1, 2, 3, 4].map((j) => view.getFloat64(8 + 8 * j, true)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { k: view.getUint16(2, true), seed: view.getUint32(4, true), n, min, max, sum, sumSq, levels };
}

/** Merge of two sorted runs. */
function mergeTwo(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) {
      out[o++] = x;
      i++;
    } else {
      out[o++] = y;
      j++;
    }
  }
  if (i < a.length) out.set(a.subarray(i), o);
  else out.set(b.subarray(j), o);
  return out;
}

/** Merges src[lo, mid) and src[mid, hi), both sorted, into dst[lo, hi). */
function mergeInto(src: Float64Array, lo: number, mid: number, hi: number, dst: Float64Array): void {
  let i = lo;
  let j = mid;
  let o = lo;
  while (i < mid && j < hi) {
    const x = src[i]!;
    const y = src[j]!;
    if (x <= y) {
      dst[o++] = x;
      i++;
    } else {
      dst[o++] = y;
      j++;
    }
  }
  if (i < mid) dst.set(src.subarray(i, mid), o);
  else if (j < hi) dst.set(src.subarray(j, hi), o);
}

/**
 * One sorted run from many: laid end to end, then adjacent runs merged pass after pass between two
 * buffers (each item moves log2(runs) times, sequentially, with two allocations in all).
 */
function mergeRuns(runs: Float64Array[]): Float64Array {
  const nonEmpty = runs.filter((r) => r.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? new Float64Array(0);
  let src = new Float64Array(nonEmpty.reduce((s, r) => s + r.length, 0));
  let dst = new Float64Array(src.length);
  let bounds = [0];
  for (const r of nonEmpty) {
    src.set(r, bounds.at(-1)!);
    bounds.push(bounds.at(-1)! + r.length);
  }
  while (bounds.length > 2) {
    const next = [0];
    for (let i = 0; i + 1 < bounds.length; i += 2) {
      const hi = i + 2 < bounds.length ? bounds[i + 2]! : bounds[i + 1]!;
      mergeInto(src, bounds[i]!, bounds[i + 1]!, hi, dst);
      next.push(hi);
    }
    [src, dst] = [dst, src];
    bounds = next;
  }
  return src;
}

function xorshift(state: number): number {
  let x = state;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

function totalCapacity(k: number, levels: number): number {
  let total = 0;
  for (let h = 0; h < levels; h++) total += levelCapacity(k, levels, h);
  return total;
}

/**
 * Compacts sorted levels until they fit the sketch's capacity, as `KllSketch.compress` does: the
 * lowest level at or over its capacity keeps its odd item out (the largest) and promotes every other
 * item of the rest (odd or even positions by the coin), merged into the level above.
 */
function compactLevels(k: number, levels: Float64Array[], seed: number): number {
  let retained = levels.reduce((s, l) => s + l.length, 0);
  let rng = seed >>> 0 || 1;
  while (retained > totalCapacity(k, levels.length)) {
    const h = levels.findIndex((level, i) => level.length >= levelCapacity(k, levels.length, i));
    if (h < 0) throw new Error('KLL compaction found no level to compact');
    if (h + 1 === levels.length) levels.push(new Float64Array(0));
    const level = levels[h]!;
    const pairs = level.length >> 1;
    rng = xorshift(rng);
    const offset = rng & 1;
    const promoted = new Float64Array(pairs);
    for (let i = 0; i < pairs; i++) promoted[i] = level[2 * i + offset]!;
    levels[h + 1] = mergeTwo(levels[h + 1]!, promoted);
    levels[h] = level.length & 1 ? level.subarray(level.length - 1) : new Float64Array(0);
    retained -= pairs;
  }
  return rng;
}

/** The KLL merge of sealed sketches (none changed), in one pass over each level. */
export function mergeCompact(sketches: readonly CompactKll[], k = sketches[0]?.k ?? 2048): CompactKll {
  const inputs = sketches.filter((s) => s.n > 0);
  const height = Math.max(1, ...inputs.map((s) => s.levels.length));
  const levels = Array.from({ length: height }, (_, h) => mergeRuns(inputs.flatMap((s) => (s.levels[h] ? [s.levels[h]] : []))));
  let [n, min, max, sum, sumSq, seed] = [0, Infinity, -Infinity, 0, 0, 0x9e3779b9];
  for (const s of inputs) {
    n += s.n;
    sum += s.sum;
    sumSq += s.sumSq;
    if (s.min < min) min = s.min;
    if (s.max > max) max = s.max;
    seed ^= s.seed;
  }
  seed = compactLevels(k, levels, seed);
  return { k, n, min, max, sum, sumSq, seed, levels };
}

/** Sorted values with their weights, merging the levels' runs (smallest levels first). */
function weightedItems(sketch: CompactKll): { values: Float64Array; weights: Float64Array } {
  let values = new Float64Array(0);
  let weights = new Float64Array(0);
  sketch.levels.forEach((level, h) => {
    const out = new Float64Array(values.length + level.length);
    const outW = new Float64Array(out.length);
    const w = 2 ** h;
    let i = 0;
    let j = 0;
    for (let o = 0; o < out.length; o++) {
      if (j >= level.length || (i < values.length && values[i]! <= level[j]!)) {
        out[o] = values[i]!;
        outW[o] = weights[i++]!;
      } else {
        out[o] = level[j++]!;
        outW[o] = w;
      }
    }
    values = out;
    weights = outW;
  });
  return { values, weights };
}

/** The step CDF of a sealed sketch. */
export function compactCdf(sketch: CompactKll): StepCdf {
  if (sketch.n === 0) throw new RangeError('the sketch is empty');
  const { values, weights } = weightedItems(sketch);
  const mean = sketch.sum / sketch.n;
  const variance = Math.max(0, sketch.sumSq / sketch.n - mean * mean);
  return stepCdf(values, weights, sketch.n, mean, Math.sqrt(variance));
}

/** An empty sealed sketch (a feature with no present value in a bucket). */
export function emptyCompact(k = 2048): CompactKll {
  return { k, n: 0, min: Infinity, max: -Infinity, sum: 0, sumSq: 0, seed: 0x9e3779b9, levels: [new Float64Array(0)] };
}
