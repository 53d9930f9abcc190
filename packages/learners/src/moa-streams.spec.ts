import { JavaRandom, MersenneTwister, moaHyperplaneStream, moaSeaDriftStream } from './moa-streams.js';

describe('JavaRandom (java.util.Random)', () => {
  it('matches the JDK draw for draw', () => {
    // OpenJDK 17.0.15: r = new java.util.Random(1); three nextDouble(), nextInt(100), three nextDouble(),
    // nextInt(100) printed 0.7308781907032909 0.41008081149220166 0.20771484130971707 34
    // 0.6588672394716129 0.7107396275716601 0.15273620134152177 63.
    const r = new JavaRandom(1);
    expect([r.nextDouble(), r.nextDouble(), r.nextDouble()]).toEqual([0.7308781907032909, 0.41008081149220166, 0.20771484130971707]);
    expect(r.nextInt(100)).toBe(34);
    expect([r.nextDouble(), r.nextDouble(), r.nextDouble()]).toEqual([0.6588672394716129, 0.7107396275716601, 0.15273620134152177]);
    expect(r.nextInt(100)).toBe(63);
    // new java.util.Random(2147483647): nextDouble() 0.6201007799387834, nextInt(100) 19, nextInt(7) 3.
    const q = new JavaRandom(2147483647);
    expect(q.nextDouble()).toBe(0.6201007799387834);
    expect(q.nextInt(100)).toBe(19);
    expect(q.nextInt(7)).toBe(3);
  });

  it('stays in step over a million draws (sum of nextInt(100), then nextDouble, from the JDK)', () => {
    // OpenJDK 17.0.15: Random(1): sum of 1 000 000 × nextInt(100) = 49 472 279, then nextDouble() 0.7694007491972233.
    const r = new JavaRandom(1);
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum += r.nextInt(100);
    expect(sum).toBe(49_472_279);
    expect(r.nextDouble()).toBe(0.7694007491972233);
  });

  it('refuses seeds and bounds it does not replicate', () => {
    expect(() => new JavaRandom(-1)).toThrow(RangeError);
    expect(() => new JavaRandom(2 ** 31)).toThrow(RangeError);
    expect(() => new JavaRandom(1).nextInt(64)).toThrow(RangeError);
  });
});

describe('MersenneTwister (MT19937, Commons Math nextDouble)', () => {
  it('matches numpy MT19937 outputs and Commons Math 3.6.1 doubles', () => {
    // numpy 1.x: np.random.RandomState(1).randint(0, 2**32, size=2000, dtype=np.uint32) starts 1791095845,
    // 4282876139, 3093770124, 4005303368, 491263; entries 623, 624, 1999 are 2006116153, 1104314680,
    // 138279050 (across the first and later regenerations of the 624-word state).
    const m = new MersenneTwister(1);
    const u = Array.from({ length: 2000 }, () => m.nextUint32());
    expect(u.slice(0, 5)).toEqual([1791095845, 4282876139, 3093770124, 4005303368, 491263]);
    expect([u[623], u[624], u[1999]]).toEqual([2006116153, 1104314680, 138279050]);
    // Commons Math 3.6.1: new MersenneTwister(1).nextDouble() ×3 = 0.4170220046815991, 0.7203245003902519,
    // 1.1436832136579866E-4; and 20 121 of 100 000 draws fall below 0.2.
    const d = new MersenneTwister(1);
    expect([d.nextDouble(), d.nextDouble(), d.nextDouble()]).toEqual([0.4170220046815991, 0.7203245003902519, 1.1436832136579866e-4]);
    const c = new MersenneTwister(1);
    let below = 0;
    for (let i = 0; i < 100_000; i++) if (0.2 > c.nextDouble()) below++;
    expect(below).toBe(20_121);
  });
});

describe('moaSeaDriftStream (MOA SEAGenerator through ConceptDriftStream, width 0)', () => {
  const stream = [...moaSeaDriftStream({ functions: [1, 2, 3], positions: [25_000, 50_000], count: 50_000 })];

  it("starts with CapyMOA's published SEA() instances", () => {
    // CapyMOA docs, capymoa.stream.generator.SEA: SEA().next_instance() has x=[7.309 4.101 2.077], y_index=1,
    // and the next x is [6.58867239, 7.10739628, 1.52736201].
    expect(Array.from(stream[0]!.x)).toEqual([7.308781907032909, 4.100808114922017, 2.077148413097171]);
    expect(stream[0]!.y).toBe(1);
    expect(Array.from(stream[1]!.x).map((v) => Math.round(v * 1e8) / 1e8)).toEqual([6.58867239, 7.10739628, 1.52736201]);
  });

  it('switches concept where MOA does: each concept a fresh generator from the 1-based instance number p', () => {
    // MOA (commit 76107cf), ConceptDriftStream "-s (ConceptDriftStream -s (generators.SEAGenerator -f 1)
    // -d (generators.SEAGenerator -f 2) -w 0 -p 25000 -r 1 -a 0.0) -d (generators.SEAGenerator -f 3) -w 0
    // -p 50000 -r 1 -a 0.0": instance index 24998 is (0.7519663364367701, 5.019720500873625) class 0; indices
    // 24999 and 49999 restart at (7.308781907032909, 4.100808114922017) class 1.
    expect([stream[24_998]!.x[0], stream[24_998]!.x[1], stream[24_998]!.y]).toEqual([0.7519663364367701, 5.019720500873625, 0]);
    expect(Array.from(stream[24_999]!.x)).toEqual(Array.from(stream[0]!.x));
    expect(Array.from(stream[49_999]!.x)).toEqual(Array.from(stream[0]!.x));
    // Concept 2 (θ = 9): class 0 iff x1 + x2 ≤ 9 before noise.
    const c2 = stream.slice(24_999, 49_999);
    expect(c2.every((s) => s.optimal === (s.x[0]! + s.x[1]! <= 9 ? 0 : 1))).toBe(true);
    // About 10% of labels flipped (binomial SE on 25 000: 0.0019).
    const flipped = c2.filter((s) => s.y !== s.optimal).length / c2.length;
    expect(Math.abs(flipped - 0.1)).toBeLessThan(4 * 0.0019);
  });

  it('rejects inconsistent options', () => {
    expect(() => [...moaSeaDriftStream({ functions: [1, 2], positions: [], count: 1 })]).toThrow(RangeError);
    expect(() => [...moaSeaDriftStream({ functions: [5], positions: [], count: 1 })]).toThrow(RangeError);
  });
});

describe('moaHyperplaneStream (MOA HyperplaneGenerator)', () => {
  // MOA release 16.04 (commit c88d4c73) and 76107cf, the same generator code in both: a Java main built
  // `new HyperplaneGenerator()` with "-t 0.001" (other options default: seed 1, 10 attributes, 2 drifting,
  // 5% noise, 10% reversals) and printed nextInstance()'s values and class.
  it("gives MOA's instances with -t 0.001, the first ones and the millionth", () => {
    let ones = 0;
    let attributeSum = 0;
    let n = 0;
    for (const { x, y } of moaHyperplaneStream({ magChange: 0.001, count: 1_000_000 })) {
      if (n === 0) {
        expect(Array.from(x)).toEqual([
          0.3971743421847056, 0.34751802920311026, 0.29405703200403677, 0.5064836273262351, 0.11596708803265776, 0.7705358800791777,
          0.65989270869342, 0.15674689056984625, 0.3782020453210553, 0.13976268290375116,
        ]);
        expect(y).toBe(0);
      } else if (n === 1) {
        expect(Array.from(x)).toEqual([
          0.004852533415334981, 0.8522535640468473, 0.023418065070874627, 0.7050099543038414, 0.2750299495716141, 0.07538779891363978,
          0.6105915393993295, 0.9549307704704039, 0.2740690950060459, 0.19020220912556496,
        ]);
        expect(y).toBe(0);
      } else if (n === 4) {
        expect(x[0]).toBe(0.6304048639228539);
        expect(y).toBe(1);
      } else if (n === 999_999) {
        expect(Array.from(x)).toEqual([
          0.6098532141879235, 0.4665621306891444, 0.737120638137353, 0.766484242551813, 0.542518390492145, 0.8287525407783213,
          0.47530918487976426, 0.6379622601843843, 0.44868723868893046, 0.756584958309756,
        ]);
        expect(y).toBe(1);
      }
      ones += y;
      for (let i = 0; i < 10; i++) attributeSum += x[i]!;
      n++;
    }
    // MOA over the 1 000 000 instances: 500 244 of class 1; the attribute values summed in order,
    // instance by instance, 5001101.193732421 (the weights' walk and every draw stayed in step).
    expect(ones).toBe(500_244);
    expect(attributeSum).toBe(5001101.193732421);
  });

  it('labels by the hyperplane before noise, and flips about 5% of labels', () => {
    const samples = [...moaHyperplaneStream({ count: 20_000 })];
    // Without drift (-t 0) the weights are the first ten nextDouble() of Random(1).
    const r = new JavaRandom(1);
    const w = Array.from({ length: 10 }, () => r.nextDouble());
    const half = w.reduce((a, b) => a + b, 0) * 0.5;
    expect(samples.every((s) => s.optimal === (w.reduce((a, wi, i) => a + wi * s.x[i]!, 0) >= half ? 1 : 0))).toBe(true);
    // Binomial SE on 20 000 at 5%: 0.0015.
    const flipped = samples.filter((s) => s.y !== s.optimal).length / samples.length;
    expect(Math.abs(flipped - 0.05)).toBeLessThan(4 * 0.0015);
  });
});
