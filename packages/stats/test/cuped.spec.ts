import { cuped, sequentialTest, welchTTest, type CovariateSummary } from '../src/index.js';
import { mulberry32 } from './prng.js';

function sums(x: number[], y: number[]): CovariateSummary {
  let sumX = 0, sumX2 = 0, sumY = 0, sumY2 = 0, sumXY = 0; // prettier-ignore
  x.forEach((xi, i) => {
    const yi = y[i]!;
    sumX += xi;
    sumX2 += xi * xi;
    sumY += yi;
    sumY2 += yi * yi;
    sumXY += xi * yi;
  });
  return { n: x.length, sumX, sumX2, sumY, sumY2, sumXY };
}

describe('cuped against the ANCOVA regression y ~ 1 + variant + x', () => {
  // numpy.linalg.lstsq([1, t, x], y) (= statsmodels.formula.api.ols('y ~ t + x').fit().params) on
  // these 12 points → [1.04802165, 0.3203994, 0.99104143]: the treatment coefficient is the
  // adjusted difference of means and the x coefficient is the pooled within-variant θ.
  // numpy.corrcoef(within-centred x, within-centred y)[0, 1] ** 2 → 0.9940516689330795.
  const control = sums([1, 2, 3, 4, 5, 6], [2.1, 2.9, 4.2, 4.8, 6.1, 7.0]);
  const treatment = sums([1.5, 2.5, 3, 4.5, 5, 7], [3.0, 3.9, 4.1, 5.9, 6.2, 8.4]);
  const r = cuped([control, treatment]);

  it('gives θ, the adjusted difference and the variance reduction', () => {
    expect(r.theta).toBeCloseTo(0.99104143, 7);
    expect(r.adjusted[1]!.mean - r.adjusted[0]!.mean).toBeCloseTo(0.3203994, 7);
    expect(r.varianceReduction).toBeCloseTo(0.9940516689330795, 12);
    expect(r.raw[0]!.mean).toBeCloseTo(27.1 / 6, 12);
  });

  it('refuses arms without covariate variance or units', () => {
    const flat = { n: 3, sumX: 3, sumX2: 3, sumY: 1, sumY2: 1, sumXY: 1 };
    expect(() => cuped([flat, flat])).toThrow(RangeError);
    expect(() => cuped([{ ...flat, n: 1 }, control])).toThrow(RangeError);
  });
});

/** Standard normal pairs by Box–Muller on a seeded uniform stream. */
function normals(seed: number): () => number {
  const u = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const a = 2 * Math.PI * u();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

/** One arm of n units with corr(x, y) = rho: x ~ N(10, 2²), y = 5 + effect + rho·z_x + √(1−rho²)·e. */
function arm(seed: number, n: number, rho: number, effect = 0): CovariateSummary {
  const z = normals(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const zx = z();
    x.push(10 + 2 * zx);
    y.push(5 + effect + rho * zx + Math.sqrt(1 - rho * rho) * z());
  }
  return sums(x, y);
}

describe('cuped on seeded data', () => {
  it('shrinks the interval by √(1 − ρ²) at ρ = 0.7, n = 20,000 per arm', () => {
    const c = cuped([arm(1, 20_000, 0.7), arm(2, 20_000, 0.7, 0.02)]);
    const raw = welchTTest(c.raw[1]!, c.raw[0]!);
    const adjusted = welchTTest(c.adjusted[1]!, c.adjusted[0]!);
    const ratio = (adjusted.ci[1] - adjusted.ci[0]) / (raw.ci[1] - raw.ci[0]);
    expect(Math.abs(ratio - Math.sqrt(1 - 0.49))).toBeLessThan(0.03);
    expect(Math.abs(c.varianceReduction - 0.49)).toBeLessThan(0.03);
    const seqRaw = sequentialTest(c.raw[0]!, c.raw[1]!);
    const seqAdjusted = sequentialTest(c.adjusted[0]!, c.adjusted[1]!);
    expect(Math.abs(seqAdjusted.halfWidth / seqRaw.halfWidth - Math.sqrt(0.51))).toBeLessThan(0.03);
  });

  it('keeps the false-positive rate at the nominal 5 % over 200 A/A runs', () => {
    let fixed = 0;
    let sequential = 0;
    for (let run = 0; run < 200; run++) {
      const c = cuped([arm(1000 + 2 * run, 1000, 0.7), arm(1001 + 2 * run, 1000, 0.7)]);
      if (welchTTest(c.adjusted[1]!, c.adjusted[0]!).pValue < 0.05) fixed++;
      if (sequentialTest(c.adjusted[0]!, c.adjusted[1]!).pValue < 0.05) sequential++;
    }
    // Binomial(200, 0.05) puts 99.5 % of its mass in [3, 19]: a biased test leaves that range.
    expect(fixed).toBeGreaterThanOrEqual(3);
    expect(fixed).toBeLessThanOrEqual(19);
    // The always-valid test is conservative at a single look.
    expect(sequential).toBeLessThanOrEqual(fixed);
  });
});
