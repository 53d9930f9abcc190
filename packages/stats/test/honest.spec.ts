import { holm, sequentialSrm, srm } from '../src/index.js';
import { expectRelClose } from './helpers.js';
import { mulberry32 } from './prng.js';

describe('holm', () => {
  it('adjusts step-down, in the input order', () => {
    // Holm (1979) by hand (= R p.adjust(p, "holm") and statsmodels multipletests(p, method='holm')[1]):
    // sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06.
    expect(holm([0.01, 0.04, 0.03, 0.005]).map((p) => +p.toFixed(12))).toEqual([0.03, 0.06, 0.06, 0.02]);
    // One comparison: unchanged. Caps at 1.
    expect(holm([0.042])).toEqual([0.042]);
    expect(holm([0.6, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});

describe('sequentialSrm (Lindon & Malek 2022, Dirichlet-multinomial mixture, α = 100·θ0)', () => {
  // Reference: ln BF = gammaln(100) − gammaln(100 + n) + Σ gammaln(α_i + x_i) − gammaln(α_i) − x_i·ln θ0_i
  // with scipy.special.gammaln (scipy 1.17), p = min(1, exp(−ln BF)).
  it.each<[number[], number[], number, number]>([
    [[1000, 800], [1, 1], 9.076826826132674, 0.00011428367467179875],
    [[5000, 5100], [1, 1], -1.824709859865834, 1],
    [[500, 500, 1100], [1, 1, 2], -0.8003853590926155, 1],
    [[10, 3], [0.5, 0.5], 0.1574903891484496, 0.8542850239755723],
    [[10150, 10000], [1, 1], -2.1022694832645357, 1],
  ])('counts %j with weights %j', (counts, weights, logBf, p) => {
    const r = sequentialSrm(counts, weights);
    expectRelClose(r.logBayesFactor, logBf, 1e-9, 'ln BF');
    expectRelClose(r.pValue, p, 1e-8, 'p');
  });

  it('has no evidence before any unit, and refuses malformed input', () => {
    expect(sequentialSrm([0, 0], [1, 1])).toEqual({ logBayesFactor: 0, pValue: 1 });
    expect(() => sequentialSrm([1, 2], [1])).toThrow(RangeError);
    expect(() => sequentialSrm([1, 2], [1, 0])).toThrow(RangeError);
    expect(() => sequentialSrm([1.5, 2], [1, 1])).toThrow(RangeError);
  });

  /** Counts after each of `looks` batches of `batch` units split at random with P(first arm) = share. */
  function looks(seed: number, share: number, batch: number, count: number): number[][] {
    const u = mulberry32(seed);
    const counts = [0, 0];
    const out: number[][] = [];
    for (let l = 0; l < count; l++) {
      for (let i = 0; i < batch; i++) counts[u() < share ? 0 : 1]!++;
      out.push([...counts]);
    }
    return out;
  }

  it('peeked at 50 times, false-alarms in at most the nominal 5 % of 200 healthy experiments', () => {
    let sequentialAlarms = 0;
    let chiSquareAlarms = 0;
    for (let run = 0; run < 200; run++) {
      const seen = looks(run + 1, 0.5, 200, 50);
      if (seen.some((c) => sequentialSrm(c, [1, 1]).pValue < 0.05)) sequentialAlarms++;
      if (seen.some((c) => srm(c, [1, 1]).pValue < 0.05)) chiSquareAlarms++;
    }
    expect(sequentialAlarms).toBeLessThanOrEqual(10);
    // The fixed-horizon chi-square, peeked at as often, alarms far more often than 5 %.
    expect(chiSquareAlarms).toBeGreaterThan(2 * sequentialAlarms + 10);
  });

  it('catches a 54 / 46 split within 10,000 units', () => {
    const seen = looks(7, 0.54, 200, 50);
    expect(sequentialSrm(seen.at(-1)!, [1, 1]).pValue).toBeLessThan(0.001);
  });
});
