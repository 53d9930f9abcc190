import { Rng } from './prng.js';
import { bandStream, hyperplaneStream, logisticBayesAccuracy, logisticStream, seaStream, type SyntheticSample } from './streams.js';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]): number => {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
};
const take = (stream: Iterable<SyntheticSample>): SyntheticSample[] => [...stream];
/** Share of samples whose label the noise flipped away from the Bayes-optimal class. */
const flipped = (s: SyntheticSample[]): number => mean(s.map((v) => (v.y === v.optimal ? 0 : 1)));

describe('Rng (sfc32 seeded by splitmix32)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(() => new Rng(1.5)).toThrow(/integer/);
  });

  it('has the moments of U[0, 1) and N(0, 1) (within 4 standard errors, n = 200 000)', () => {
    const r = new Rng(7);
    const n = 200_000;
    const u = Array.from({ length: n }, () => r.uniform());
    const z = Array.from({ length: n }, () => r.normal());
    // U[0,1): mean ½ (SE √(1/12/n) ≈ 6.5e-4), variance 1/12 (SE ≈ √(1/180/n) ≈ 1.7e-4)
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(4 * 6.5e-4);
    expect(Math.abs(variance(u) - 1 / 12)).toBeLessThan(4 * 1.7e-4);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    // N(0,1): mean 0 (SE 1/√n ≈ 2.2e-3), variance 1 (SE √(2/n) ≈ 3.2e-3)
    expect(Math.abs(mean(z))).toBeLessThan(4 * 2.2e-3);
    expect(Math.abs(variance(z) - 1)).toBeLessThan(4 * 3.2e-3);
  });

  it('continues identically from a saved state, including a pending Box–Muller value', () => {
    const a = new Rng(3);
    a.normal(); // leaves the second value of the pair pending
    const b = Rng.fromState(JSON.parse(JSON.stringify(a.getState())));
    expect(Array.from({ length: 6 }, () => b.normal())).toEqual(Array.from({ length: 6 }, () => a.normal()));
  });
});

describe('logistic stream', () => {
  it('Bayes-optimal accuracy E[σ(|s|)], s ~ N(b, ‖w‖²), matches scipy.integrate.quad', () => {
    // scipy 1.17: quad(lambda s: expit(abs(s)) * norm.pdf(s, b, ‖w‖), −∞, 0) + quad(…, 0, ∞)
    // (scripts/reference-values.py)
    expect(logisticBayesAccuracy([1.5, -2, 0.75, 0, 0.5, -1, 0, 0.25], -0.5)).toBeCloseTo(0.8311358456590211, 9);
    expect(logisticBayesAccuracy([1], 0)).toBeCloseTo(0.6748568252669761, 9);
    expect(logisticBayesAccuracy([...Array(10).fill(0.5), ...Array(10).fill(-0.5)], 0.25)).toBeCloseTo(0.7955480012652152, 9);
    expect(logisticBayesAccuracy([0, 0], 2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
  });

  it('labels follow σ(w·x + b): the oracle on 100 000 samples scores the Bayes accuracy', () => {
    const s = take(logisticStream({ weights: [1, -1], intercept: 0.5, seed: 2, count: 100_000 }));
    // SE of an accuracy near 0.75 on 1e5 samples ≈ 1.4e-3
    expect(Math.abs(1 - flipped(s) - logisticBayesAccuracy([1, -1], 0.5))).toBeLessThan(4 * 1.4e-3);
    expect(s[0]!.x).not.toBe(s[1]!.x); // a fresh array per sample
  });
});

describe('SEA stream (Street & Kim 2001)', () => {
  it('labels x₁ + x₂ ≤ θ with θ = 8, 9, 7, 9.5 per block and flips 10% of them', () => {
    const s = take(seaStream({ seed: 1, count: 40_000, driftEvery: 10_000 }));
    const wrong = s.filter(({ x, optimal }, t) => {
      const theta = [8, 9, 7, 9.5][Math.floor(t / 10_000)]!;
      return optimal !== (x[0]! + x[1]! <= theta ? 1 : 0);
    });
    expect(wrong).toEqual([]);
    // The concept really changes: under θ = 8 a point with x₁ + x₂ = 8.5 is class 0, under θ = 9 class 1.
    expect(s.slice(0, 10_000).some(({ x, optimal }) => x[0]! + x[1]! > 8 && x[0]! + x[1]! <= 9 && optimal === 0)).toBe(true);
    expect(s.slice(10_000, 20_000).some(({ x, optimal }) => x[0]! + x[1]! > 8 && x[0]! + x[1]! <= 9 && optimal === 1)).toBe(true);
    expect(s.every(({ x }) => x.length === 3 && x.every((v) => v >= 0 && v < 10))).toBe(true);
    // noise 0.1 on 40 000 samples: SE 1.5e-3
    expect(Math.abs(flipped(s) - 0.1)).toBeLessThan(4 * 1.5e-3);
  });
});

describe('rotating hyperplane stream (Hulten et al. 2001)', () => {
  it('flips 5% of labels by default, and drifts only when magChange > 0', () => {
    const still = take(hyperplaneStream({ seed: 4, count: 40_000 }));
    // noise 0.05 on 40 000 samples: SE 1.1e-3
    expect(Math.abs(flipped(still) - 0.05)).toBeLessThan(4 * 1.1e-3);
    // Σwᵢxᵢ ≥ ½Σwᵢ with x uniform on the cube is symmetric around the plane: about half are class 1.
    expect(Math.abs(mean(still.map((v) => v.optimal)) - 0.5)).toBeLessThan(0.02);
    const moving = take(hyperplaneStream({ seed: 4, count: 40_000, magChange: 0.01 }));
    // Same seed, same inputs; the concept moves, so the clean labels part ways.
    expect(moving[0]!.x).toEqual(still[0]!.x);
    const disagree = mean(moving.map((v, k) => (v.optimal === still[k]!.optimal ? 0 : 1)));
    expect(disagree).toBeGreaterThan(0.05);
  });
});

describe('band stream (three SEA-like classes)', () => {
  it('labels the band of x₁ + x₂ (≤ 7, ≤ 13, above) and replaces 10% of labels by another class, evenly', () => {
    const n = 200_000;
    const truth = [0, 0, 0];
    const changedTo = [0, 0, 0];
    let changed = 0;
    for (const s of bandStream({ seed: 3, count: n })) {
      const sum = s.x[0]! + s.x[1]!;
      expect(s.optimal).toBe(sum <= 7 ? 0 : sum <= 13 ? 1 : 2);
      truth[s.optimal]!++;
      if (s.y !== s.optimal) {
        changed++;
        changedTo[(s.y - s.optimal + 3) % 3]!++;
      }
    }
    // P(x₁ + x₂ ≤ 7) = P(x₁ + x₂ > 13) = 7²/2/100 = 0.245, the middle band 0.51 (4 standard errors).
    const se = (p: number) => 4 * Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(truth[0]! / n - 0.245)).toBeLessThan(se(0.245));
    expect(Math.abs(truth[1]! / n - 0.51)).toBeLessThan(se(0.51));
    expect(Math.abs(changed / n - 0.1)).toBeLessThan(se(0.1));
    // Never the same class; the next and the one after equally often.
    expect(changedTo[0]).toBe(0);
    expect(Math.abs(changedTo[1]! / changed - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / changed));
    // Two bounds give three classes; other bounds other counts.
    const labels = new Set([...bandStream({ seed: 1, count: 2000, bounds: [5, 10, 15], noise: 0 })].map((s) => s.y));
    expect(labels).toEqual(new Set([0, 1, 2, 3]));
  });
});
