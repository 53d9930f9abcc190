/**
 * Bit-for-bit replicas of the random sources of MOA (the Java reference for stream learners) and of its
 * SEA and rotating hyperplane streams, so that an accuracy published from MOA or CapyMOA can be checked on
 * the very samples it was measured on, not only on a stream alike in distribution.
 *
 * - JavaRandom: java.util.Random, the 48-bit linear congruential generator its Javadoc specifies (seed
 *   scrambled with 0x5DEECE66D; seed ← seed·0x5DEECE66D + 0xB mod 2^48; next(bits) the top bits;
 *   nextDouble from 26 + 27 bits; nextInt(n) by rejection). The state is kept as two 24-bit halves so
 *   that every product stays below 2^53, exact in doubles.
 * - MersenneTwister: MT19937 (Matsumoto & Nishimura 1998) seeded by init_genrand, with nextDouble built
 *   as Apache Commons Math 3 does (26 + 26 bits, a multiple of 2^-52): the generator MOA's
 *   semi-supervised evaluation loop (EfficientEvaluationLoops.PrequentialSSLEvaluation) draws to decide
 *   which instances are labelled.
 * - moaSeaDriftStream: MOA's SEAGenerator (three attributes 10·nextDouble; class 0 iff x1 + x2 ≤ θ with
 *   θ = 8, 9, 7, 9.5 for functions 1–4; the class flipped when 1 + nextInt(100) ≤ the noise percentage)
 *   chained by ConceptDriftStream with width 0, as CapyMOA's DriftStream builds abrupt drifts. Each
 *   concept is its own generator with its own seed, advanced only while it is the current concept, and
 *   concept k + 1 starts at the 1-based instance number positions[k]: MOA's drift probability there is
 *   1 / (1 + exp(−4·0/0)) = NaN, and a NaN probability selects the new concept.
 * - moaHyperplaneStream: MOA's HyperplaneGenerator (the rotating hyperplane; Hulten, Spencer & Domingos
 *   2001), drawn as its nextInstance does: weights from the first nextDouble()s, then per instance the
 *   attributes, the label (1 iff Σ wᵢxᵢ ≥ ½ Σ wᵢ), the noise draw, and one direction-reversal draw per
 *   drifting attribute after its weight moved by σᵢ·t.
 * The spec checks the generators against the JDK's java.util.Random, numpy's MT19937, Commons Math and
 * instances printed by MOA.
 */
import { F64, floor, imul, min } from './globals.js';
import type { SyntheticSample } from './streams.js';

const TWO_24 = 0x1000000;
const MUL_HI = 0x5de; // 0x5DEECE66D = 0x5DE · 2^24 + 0xECE66D
const MUL_LO = 0xece66d;

export class JavaRandom {
  private hi: number;
  private lo: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 31) {
      throw new RangeError(`seed must be an integer in [0, 2^31), got ${seed}`);
    }
    // (seed XOR 0x5DEECE66D) mod 2^48, per 24-bit half.
    this.hi = (floor(seed / TWO_24) ^ MUL_HI) >>> 0;
    this.lo = ((seed % TWO_24) ^ MUL_LO) >>> 0;
  }

  /** The top `bits` (≤ 31 here) bits of the next 48-bit state, as Java's protected next(bits). */
  next(bits: number): number {
    const p0 = this.lo * MUL_LO + 0xb;
    const carry = floor(p0 / TWO_24);
    const p1 = this.hi * MUL_LO + this.lo * MUL_HI + carry;
    this.lo = p0 % TWO_24;
    this.hi = p1 % TWO_24;
    return floor((this.hi * TWO_24 + this.lo) / 2 ** (48 - bits));
  }

  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) * 2 ** -53;
  }

  /** Uniform in [0, bound) for a bound that is not a power of two (Java's rejection loop). */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || (bound & (bound - 1)) === 0) {
      throw new RangeError(`bound must be a positive integer that is not a power of two, got ${bound}`);
    }
    for (;;) {
      const u = this.next(31);
      const r = u % bound;
      // Java rejects u when u − r + (bound − 1) overflows a 32-bit int.
      if (u - r + bound - 1 < 2 ** 31) return r;
    }
  }
}

export class MersenneTwister {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]!;
      // 1812433253 · (prev XOR prev >>> 30) + i mod 2^32; imul keeps the low 32 bits exactly.
      this.mt[i] = (imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = (mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Commons Math 3: ((next(26) << 26) | next(26)) · 2^-52. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 6;
    const low = this.nextUint32() >>> 6;
    return (high * 2 ** 26 + low) * 2 ** -52;
  }
}

const SEA_THRESHOLDS = [8, 9, 7, 9.5];

export interface MoaSeaDriftStreamOptions {
  /** SEA functions (1–4) of the concepts, in order. */
  functions: readonly number[];
  /** 1-based instance numbers at which concepts 2, 3, … start; one fewer than `functions`. */
  positions: readonly number[];
  /** Instance seed of every concept's generator (MOA's -i, CapyMOA's instance_random_seed). Default 1. */
  seed?: number;
  /** Label noise in percent (MOA's -n). Default 10. */
  noisePercent?: number;
  count: number;
}

/** Samples of MOA's SEA concepts with abrupt drifts; `optimal` is the class before noise. */
export function* moaSeaDriftStream(o: MoaSeaDriftStreamOptions): Generator<SyntheticSample> {
  if (o.positions.length !== o.functions.length - 1) throw new RangeError('positions must have one entry fewer than functions');
  for (const f of o.functions) if (!Number.isInteger(f) || f < 1 || f > 4) throw new RangeError(`SEA function must be 1–4, got ${f}`);
  const generators = o.functions.map(() => new JavaRandom(o.seed ?? 1));
  const noise = o.noisePercent ?? 10;
  let concept = 0;
  for (let n = 1; n <= o.count; n++) {
    while (concept < o.positions.length && n >= o.positions[concept]!) concept++;
    const rng = generators[concept]!;
    const x = F64.of(10 * rng.nextDouble(), 10 * rng.nextDouble(), 10 * rng.nextDouble());
    const clean = x[0]! + x[1]! <= SEA_THRESHOLDS[o.functions[concept]! - 1]! ? 0 : 1;
    yield { x, y: 1 + rng.nextInt(100) <= noise ? 1 - clean : clean, optimal: clean };
  }
}

export interface MoaHyperplaneStreamOptions {
  /** Instance seed (MOA's -i). Default 1. */
  seed?: number;
  /** Attributes (MOA's -a). Default 10. */
  features?: number;
  /** Attributes whose weight drifts, the first ones (MOA's -k). Default 2. */
  driftFeatures?: number;
  /** Weight change per instance (MOA's -t). Default 0. */
  magChange?: number;
  /** Label noise in percent (MOA's -n). Default 5. */
  noisePercent?: number;
  /** Chance in percent that a drifting weight reverses direction after an instance (MOA's -s). Default 10. */
  sigmaPercent?: number;
  count: number;
}

/** Samples of MOA's HyperplaneGenerator (two classes); `optimal` is the class before noise. */
export function* moaHyperplaneStream(o: MoaHyperplaneStreamOptions): Generator<SyntheticSample> {
  const d = o.features ?? 10;
  const drifting = min(o.driftFeatures ?? 2, d);
  const magChange = o.magChange ?? 0;
  const noise = o.noisePercent ?? 5;
  const sigmaPercent = o.sigmaPercent ?? 10;
  const rng = new JavaRandom(o.seed ?? 1);
  const weights = new F64(d);
  const sigma = new F64(d);
  for (let i = 0; i < d; i++) {
    weights[i] = rng.nextDouble();
    sigma[i] = i < drifting ? 1 : 0;
  }
  for (let n = 0; n < o.count; n++) {
    const x = new F64(d);
    let sum = 0;
    let sumWeights = 0;
    for (let i = 0; i < d; i++) {
      x[i] = rng.nextDouble();
      sum += weights[i]! * x[i]!;
      sumWeights += weights[i]!;
    }
    const clean = sum >= sumWeights * 0.5 ? 1 : 0;
    const y = 1 + rng.nextInt(100) <= noise ? 1 - clean : clean;
    for (let i = 0; i < drifting; i++) {
      weights[i]! += sigma[i]! * magChange;
      if (1 + rng.nextInt(100) <= sigmaPercent) sigma[i] = -sigma[i]!;
    }
    yield { x, y, optimal: clean };
  }
}
