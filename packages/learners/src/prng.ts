/**
 * Seeded pseudo-random numbers for the synthetic streams.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator, from PractRand), 128 bits
 * of state in four uint32 words; it passes PractRand and BigCrush and needs only 32-bit integer
 * operations, which JavaScript does exactly with `| 0` / `>>> 0` / `Math.imul`.
 * Seeding: the 32-bit seed is expanded into the four words with splitmix32 (the 32-bit variant of
 * Steele, Lea & Flood 2014, constants from Java's SplittableRandom mix32), then 12 outputs are
 * discarded so that nearby seeds give unrelated streams.
 * Doubles: `uniform()` builds a 53-bit mantissa from two outputs ((a >>> 5) · 2^26 + (b >>> 6)) / 2^53,
 * the same construction as Java's nextDouble and numpy's legacy random_sample, so every value in [0, 1)
 * on the 2^-53 grid is reachable.
 * Normals: Box–Muller (Box & Muller 1958), both values of a pair used; the spare is part of the state.
 */
import { cos, imul, log, PI, sin, sqrt } from './globals.js';
export interface RngState {
  readonly words: readonly [number, number, number, number];
  /** The unused second value of the last Box–Muller pair, or null. */
  readonly spare: number | null;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = imul(z ^ (z >>> 16), 0x85ebca6b);
    z = imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    const next = splitmix32(seed);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** One uint32 output of sfc32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal N(0, 1) by Box–Muller. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    // 1 - uniform() is in (0, 1], so the logarithm is finite.
    const r = sqrt(-2 * log(1 - this.uniform()));
    const theta = 2 * PI * this.uniform();
    this.spare = r * sin(theta);
    return r * cos(theta);
  }

  /** 1 with probability p, else 0. */
  bernoulli(p: number): number {
    return this.uniform() < p ? 1 : 0;
  }

  getState(): RngState {
    return { words: [this.a, this.b, this.c, this.d], spare: this.spare };
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = state.words.map((w) => w | 0) as [number, number, number, number];
    rng.spare = state.spare;
    return rng;
  }
}
