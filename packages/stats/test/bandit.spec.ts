import { probabilityBest, thompsonWeights, type BanditArm } from '../src/index.js';
import { mulberry32 } from './prng.js';

const beta = (successes: number, trials: number): BanditArm => ({ kind: 'binomial', successes, trials });
const normal = (mean: number, variance: number, n: number): BanditArm => ({ kind: 'continuous', mean, variance, n });

describe('probabilityBest against scipy', () => {
  it.each([
    // Evan Miller's closed form for P(p_B > p_A), Beta(11, 91) vs Beta(16, 86): 0.8532837899338429;
    // scipy.integrate.quad(beta(16,86).pdf(x)·beta(11,91).cdf(x), …) = 0.8532837899339665.
    ['two Beta arms (10/100 vs 15/100)', [beta(10, 100), beta(15, 100)], [0.14671621006603344, 0.8532837899339665]],
    // scipy.integrate.quad(f_i(x)·Π_{j≠i} F_j(x)) with scipy.stats.beta(1 + s, 1 + n − s), epsrel 1e-12.
    [
      'three Beta arms (40, 50, 60 of 1,000)',
      [beta(40, 1000), beta(50, 1000), beta(60, 1000)],
      [0.011929574771910792, 0.1610470177116916, 0.8270234075163979],
    ],
    // Two Gaussians: Φ(0.1 / √(4/400 + 4/400)) = scipy.stats.norm.cdf(0.1 / 0.02 ** 0.5) = 0.7602499389065234.
    ['two Gaussian arms', [normal(1.0, 4, 400), normal(1.1, 4, 400)], [0.23975006109347666, 0.7602499389065234]],
    // scipy.integrate.quad with scipy.stats.norm(mean, √(variance / n)).
    [
      'three Gaussian arms with unequal variances',
      [normal(1.0, 4, 400), normal(1.1, 4, 400), normal(1.05, 9, 300)],
      [0.14054049429099674, 0.4994967588804444, 0.35996274682855917],
    ],
  ] as const)('%s', (_name, arms, expected) => {
    const p = probabilityBest(arms);
    expected.forEach((e, i) => expect(Math.abs(p[i]! - e)).toBeLessThan(2e-6));
  });

  it('splits evenly between identical arms and refuses impossible ones', () => {
    const p = probabilityBest([beta(5, 50), beta(5, 50), beta(5, 50)]);
    p.forEach((v) => expect(v).toBeCloseTo(1 / 3, 6));
    expect(() => probabilityBest([beta(5, 4), beta(1, 2)])).toThrow(RangeError);
    expect(() => probabilityBest([beta(1, 2)])).toThrow(RangeError);
    expect(() => probabilityBest([normal(1, 1, 1), normal(1, 1, 5)])).toThrow(RangeError);
  });
});

describe('thompsonWeights', () => {
  it('keeps every arm at least at the exploration floor and sums to 1', () => {
    const w = thompsonWeights([beta(10, 10_000), beta(500, 10_000), beta(20, 10_000)], { floor: 0.05 });
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(w[0]).toBeCloseTo(0.05, 9);
    expect(w[2]).toBeCloseTo(0.05, 9);
    expect(w[1]).toBeCloseTo(0.9, 9);
    expect(() => thompsonWeights([beta(1, 2), beta(1, 2)], { floor: 0.6 })).toThrow(RangeError);
  });
});

/**
 * A seeded 3-arm Bernoulli world: conversion rates 4 %, 5 % and 6 %, 100,000 units arriving in
 * ticks of 2,000, equal weights during a 2,000-unit burn-in, then Thompson weights recomputed
 * from the results at every tick (exploration floor 1 %). Regret: Σ (best rate − rate of the arm given).
 */
function simulate(seed: number) {
  const rates = [0.04, 0.05, 0.06];
  const best = Math.max(...rates);
  const rnd = mulberry32(seed);
  const trials = [0, 0, 0];
  const successes = [0, 0, 0];
  let weights = [1 / 3, 1 / 3, 1 / 3];
  let regret = 0;
  for (let unit = 0; unit < 100_000; unit++) {
    if (unit >= 2_000 && unit % 2_000 === 0) {
      weights = thompsonWeights(
        rates.map((_, i) => beta(successes[i]!, trials[i]!)),
        { gridPoints: 200 },
      );
    }
    const u = rnd();
    const arm = u < weights[0]! ? 0 : u < weights[0]! + weights[1]! ? 1 : 2;
    trials[arm]!++;
    if (rnd() < rates[arm]!) successes[arm]!++;
    regret += best - rates[arm]!;
  }
  return { regret, weights };
}

describe('Thompson sampling in a seeded 3-arm Bernoulli world (100,000 units)', () => {
  // A fixed 1/3 split gives each unit an expected regret of (0.02 + 0.01 + 0) / 3.
  const fixedSplitRegret = (100_000 * 0.03) / 3;
  const runs = Array.from({ length: 100 }, (_, seed) => simulate(seed + 1));

  it('has a cumulative regret at least 3 times below a fixed 1/3 split', () => {
    const mean = runs.reduce((s, r) => s + r.regret, 0) / runs.length;
    expect(fixedSplitRegret / mean).toBeGreaterThanOrEqual(3);
  });

  it('ends with the best arm holding the largest weight in at least 95 of 100 seeds', () => {
    const wins = runs.filter((r) => r.weights[2]! === Math.max(...r.weights)).length;
    expect(wins).toBeGreaterThanOrEqual(95);
  });
});
