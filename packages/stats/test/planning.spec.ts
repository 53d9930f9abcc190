import { alwaysValidCritical, planFixed, planSequential, sequentialPValue, sequentialRho, type PlanInput } from '../src/index.js';
import { expectRelClose } from './helpers.js';

// Reference values: test/reference/gen_planning.py, which solves statsmodels' NormalIndPower power
// equation with scipy (norm.sf / norm.cdf and brentq, as statsmodels' solve_power does).
const base = { relative: false, alpha: 0.05, power: 0.8, variants: 2 };
const continuous = (d: number, alpha: number, power: number): PlanInput => ({
  ...base,
  kind: 'continuous',
  baseline: 10,
  sd: 1,
  mde: d,
  alpha,
  power,
});
const rate = (p1: number, p2: number, alpha: number, power: number): PlanInput => ({
  ...base,
  kind: 'binomial',
  baseline: p1,
  mde: p2 - p1,
  alpha,
  power,
});

describe('planFixed against statsmodels NormalIndPower', () => {
  it.each<[string, PlanInput, number]>([
    // NormalIndPower().solve_power(effect_size=0.2, alpha=0.05, power=0.8, ratio=1) → 392.4430254663099
    ['d = 0.2, α = 0.05, power 0.8', continuous(0.2, 0.05, 0.8), 392.4430254663099],
    // NormalIndPower().solve_power(effect_size=0.5, alpha=0.05, power=0.9, ratio=1) → 84.0593552775261
    ['d = 0.5, α = 0.05, power 0.9', continuous(0.5, 0.05, 0.9), 84.0593552775261],
    // zt_ind_solve_power(effect_size=0.1, alpha=0.01, power=0.8, ratio=1) → 2335.793629714147
    ['d = 0.1, α = 0.01, power 0.8', continuous(0.1, 0.01, 0.8), 2335.793629714147],
    // NormalIndPower().solve_power(effect_size=proportion_effectsize(0.11, 0.1), alpha=0.05, power=0.8) → 14744.10483684137
    ['rate 10 % → 11 %', rate(0.1, 0.11, 0.05, 0.8), 14744.10483684137],
    // NormalIndPower().solve_power(effect_size=proportion_effectsize(0.06, 0.05), alpha=0.05, power=0.9) → 10900.647907891034
    ['rate 5 % → 6 %, power 0.9', rate(0.05, 0.06, 0.05, 0.9), 10900.647907891034],
    // NormalIndPower().solve_power(effect_size=proportion_effectsize(0.33, 0.3), alpha=0.05, power=0.8) → 3761.596973985623
    ['rate 30 % → 33 %', rate(0.3, 0.33, 0.05, 0.8), 3761.596973985623],
  ])('%s', (_, input, expected) => {
    const r = planFixed(input);
    expectRelClose(r.exactUnitsPerVariant, expected, 1e-8, 'n');
    expect(r.unitsPerVariant).toBe(Math.ceil(expected));
  });

  it('reads a relative mde from the baseline and splits alpha over the treatments', () => {
    // proportion_effectsize(0.11, 0.1) → 0.03262940076737697
    const r = planFixed({ ...rate(0.1, 0.11, 0.05, 0.8), mde: 0.1, relative: true });
    expectRelClose(r.effectSize, 0.03262940076737697, 1e-12, 'h');
    // 3 variants: each comparison at 0.05 / 2 = 0.025; NormalIndPower().solve_power(0.05, alpha=0.025, power=0.8) → 7604.02850396732
    const three = planFixed({ ...continuous(0.05, 0.05, 0.8), variants: 3 });
    expect(three.alphaPerComparison).toBe(0.025);
    expectRelClose(three.exactUnitsPerVariant, 7604.02850396732, 1e-8, 'n');
  });

  it('refuses effects it cannot plan for', () => {
    expect(() => planFixed(rate(0.95, 1.0, 0.05, 0.8))).toThrow('below 1');
    expect(() => planFixed({ ...continuous(0.2, 0.05, 0.8), sd: 0 })).toThrow('sd');
    expect(() => planFixed({ ...continuous(0.2, 0.05, 0.8), variants: 1 })).toThrow('variants');
  });
});

describe('planSequential: the always-valid test of sequential.ts', () => {
  it.each<[string, PlanInput, number]>([
    // gen_planning.py seqpower: brentq on Φ(d√(n/2) − c(2n)) + Φ(−d√(n/2) − c(2n)) = 0.8, ρ tuned at α = 0.05, N* = 5000
    ['d = 0.2', continuous(0.2, 0.05, 0.8), 807.574802857498],
    ['d = 0.05', continuous(0.05, 0.05, 0.8), 12782.992529614425],
    ['d = 0.1 with 3 variants (α/2 each)', { ...continuous(0.1, 0.05, 0.8), variants: 3 }, 3397.297658825995],
  ])('%s', (_, input, expected) => {
    const r = planSequential(input);
    expectRelClose(r.exactUnitsPerVariant, expected, 1e-8, 'n');
    expect(r.exactUnitsPerVariant).toBeGreaterThan(planFixed(input).exactUnitsPerVariant);
  });

  it('uses the boundary at which the always-valid p-value equals the level', () => {
    const rho = sequentialRho(0.05, 5000);
    const c = alwaysValidCritical(4000, 0.05, rho);
    expectRelClose(sequentialPValue(c * 0.01, 0.01, 4000), 0.05, 1e-12, 'p at the boundary');
  });
});
