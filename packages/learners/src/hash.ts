/**
 * Feature hashing ("the hashing trick", Weinberger et al. 2009, "Feature Hashing for Large Scale
 * Multitask Learning") of `{name: value}` records into a fixed dimension.
 *
 * Hash: MurmurHash3_x86_32 (Austin Appleby, SMHasher) of the UTF-8 bytes of a key, seed 0 by default,
 * the same function and byte order as Python's `mmh3.hash(key, seed, signed=False)` and Vowpal
 * Wabbit's default hash, so a trainer in another language can reproduce the indices.
 * Index: `murmur3(key, seed) % dim` (unsigned). No sign hashing: colliding features add up.
 * Keys and values:
 *   - number   → key `name`, value as given (after the optional transform; 0 contributes nothing);
 *   - string   → key `name=value` (categorical one-hot), value 1;
 *   - boolean  → key `name`, value 1 for true, nothing for false;
 *   - null / undefined / non-finite numbers → skipped (missing).
 * Several keys falling on one index are summed into a single coordinate before the model sees them,
 * so a collision behaves like one feature, as in scikit-learn's FeatureHasher.
 */
import { F64, imul, numberIsFinite } from './globals.js';
export type FeatureValue = number | string | boolean | null | undefined;
export type FeatureRecord = Readonly<Record<string, FeatureValue>>;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, k: number): number {
  k = imul(k, C1);
  k = (k << 15) | (k >>> 17);
  h ^= imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * MurmurHash3_x86_32 of the UTF-8 encoding of `key` (lone surrogates encode as U+FFFD, like
 * TextEncoder). The bytes are produced and mixed on the fly, so hashing allocates nothing.
 */
export function murmur3(key: string, seed = 0): number {
  let h = seed | 0;
  let block = 0; // up to 4 pending bytes, little-endian
  let n = 0; // bytes consumed so far
  for (let i = 0; i < key.length; i++) {
    let cp = key.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xe000) {
      const lo = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
      if (cp < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    // The UTF-8 bytes of cp, first byte lowest, packed in one int32.
    let bytes: number;
    let count: number;
    if (cp < 0x80) {
      bytes = cp;
      count = 1;
    } else if (cp < 0x800) {
      bytes = 0xc0 | (cp >> 6) | ((0x80 | (cp & 0x3f)) << 8);
      count = 2;
    } else if (cp < 0x10000) {
      bytes = 0xe0 | (cp >> 12) | ((0x80 | ((cp >> 6) & 0x3f)) << 8) | ((0x80 | (cp & 0x3f)) << 16);
      count = 3;
    } else {
      bytes = 0xf0 | (cp >> 18) | ((0x80 | ((cp >> 12) & 0x3f)) << 8) | ((0x80 | ((cp >> 6) & 0x3f)) << 16) | ((0x80 | (cp & 0x3f)) << 24);
      count = 4;
    }
    for (let j = 0; j < count; j++) {
      block |= ((bytes >>> (8 * j)) & 0xff) << (8 * (n & 3));
      n++;
      if ((n & 3) === 0) {
        h = mixBlock(h, block);
        block = 0;
      }
    }
  }
  if ((n & 3) !== 0) {
    let k = imul(block, C1);
    k = (k << 15) | (k >>> 17);
    h ^= imul(k, C2);
  }
  h ^= n;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Called once per kept key; lets the caller scale a numeric value by feature name. */
export type ValueTransform = (name: string, value: number) => number;

/**
 * Hashes records into reusable sparse buffers (indices + values, collisions merged). One instance
 * per model: the buffers are overwritten by every call.
 */
export class FeatureHasher {
  /** Distinct indices of the last record, in first-seen order; valid up to `size`. */
  indices: Int32Array;
  /** Summed values at `indices`. */
  values: Float64Array;
  size = 0;
  // Slot of each index in `indices` during one call (-1 when absent), reset afterwards.
  private readonly slot: Int32Array;

  constructor(
    readonly dim: number,
    readonly seed = 0,
  ) {
    this.indices = new Int32Array(16);
    this.values = new F64(16);
    this.slot = new Int32Array(dim).fill(-1);
  }

  index(key: string): number {
    return murmur3(key, this.seed) % this.dim;
  }

  hash(record: FeatureRecord, transform?: ValueTransform): void {
    this.size = 0;
    for (const name in record) {
      const raw = record[name];
      if (typeof raw === 'number') {
        if (!numberIsFinite(raw)) continue;
        const value = transform ? transform(name, raw) : raw;
        // A zero adds nothing to w·x nor to any gradient (McMahan et al. 2013 update only i with x_i ≠ 0).
        if (value !== 0) this.add(this.index(name), value);
      } else if (typeof raw === 'string') {
        this.add(this.index(`${name}=${raw}`), 1);
      } else if (raw === true) {
        this.add(this.index(name), 1);
      }
    }
    for (let k = 0; k < this.size; k++) this.slot[this.indices[k]!] = -1;
  }

  private add(index: number, value: number): void {
    const at = this.slot[index]!;
    if (at >= 0) {
      this.values[at]! += value;
      return;
    }
    if (this.size === this.indices.length) this.grow();
    this.slot[index] = this.size;
    this.indices[this.size] = index;
    this.values[this.size] = value;
    this.size++;
  }

  private grow(): void {
    const indices = new Int32Array(this.indices.length * 2);
    const values = new F64(this.values.length * 2);
    indices.set(this.indices);
    values.set(this.values);
    this.indices = indices;
    this.values = values;
  }
}
