import {
  chanceToBeatControl,
  chi2Sf,
  expectedLoss,
  minimumDetectableEffect,
  normSf,
  relativeLift,
  sampleSize,
  sequentialInterval,
  sequentialTest,
  tTwoSided,
  welchTTest,
  zTestProportions,
} from '../src/index.js';
import { expectRelClose } from './helpers.js';
import { DIST_CASES, LIFT_CASES, MDE_CASES, POWER_CASES, SEQ_CASES, WELCH_CASES, ZPROP_CASES } from './reference/experiment.ref.js';

const RTOL = 1e-9;
const label = (c: { note: string; call: string }): string => `${c.note} [${c.call}]`;

describe('welchTTest against scipy.stats.ttest_ind_from_stats(equal_var=False)', () => {
  it.each(WELCH_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = welchTTest(c.a, c.b);
    expectRelClose(r.t, c.t, RTOL, 't');
    expectRelClose(r.df, c.df, RTOL, 'df');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
    expectRelClose(r.diff, c.a.mean - c.b.mean, 1e-15, 'diff');
    expectRelClose(r.ci[0], c.ciLow, RTOL, 'ci low');
    expectRelClose(r.ci[1], c.ciHigh, RTOL, 'ci high');
  });

  it('flips sign, keeps p when the arms are swapped', () => {
    const a = { n: 40, mean: 3, variance: 2 };
    const b = { n: 60, mean: 3.6, variance: 1.5 };
    const ab = welchTTest(a, b);
    const ba = welchTTest(b, a);
    expect(ba.t).toBe(-ab.t);
    expect(ba.pValue).toBe(ab.pValue);
    expect(ba.ci).toEqual([-ab.ci[1], -ab.ci[0]]);
  });
});

describe('zTestProportions against the pooled z formula with scipy.stats.norm', () => {
  it.each(ZPROP_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = zTestProportions(c.x1, c.n1, c.x2, c.n2);
    expectRelClose(r.z, c.z, RTOL, 'z');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
    expectRelClose(r.ci[0], c.ciLow, RTOL, 'ci low');
    expectRelClose(r.ci[1], c.ciHigh, RTOL, 'ci high');
  });

  it('returns z = 0, p = 1 when both samples are all failures', () => {
    expect(zTestProportions(0, 10, 0, 20)).toMatchObject({ z: 0, pValue: 1, diff: 0 });
    expect(() => zTestProportions(11, 10, 0, 20)).toThrow();
  });
});

describe('relativeLift and chanceToBeatControl against the delta-method formulas', () => {
  it.each(LIFT_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = relativeLift(c.control, c.treatment);
    expectRelClose(r.lift, c.lift, RTOL, 'lift');
    expectRelClose(r.se, c.se, RTOL, 'se');
    expectRelClose(r.ci[0], c.ciLow, RTOL, 'ci low');
    expectRelClose(r.ci[1], c.ciHigh, RTOL, 'ci high');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
    const b = chanceToBeatControl(c.control, c.treatment);
    expectRelClose(b.chanceToBeat, c.chanceToBeat, RTOL, 'chance to beat');
    expectRelClose(b.risk.treatment, c.riskTreatment, RTOL, 'risk treatment');
    expectRelClose(b.risk.control, c.riskControl, RTOL, 'risk control');
  });

  it('expected losses differ by the lift (E[max(0,L)] - E[max(0,-L)] = E[L])', () => {
    for (const [m, s] of [
      [0.03, 0.02],
      [-0.1, 0.05],
      [0, 1],
    ] as const) {
      expectRelClose(expectedLoss(-m, s) - expectedLoss(m, s), m === 0 ? 0 : m, 1e-12);
    }
    expect(expectedLoss(0.2, 0)).toBe(0);
    expect(expectedLoss(-0.2, 0)).toBe(0.2);
  });

  it('rejects a zero control mean', () => {
    expect(() => relativeLift({ n: 10, mean: 0, variance: 1 }, { n: 10, mean: 1, variance: 1 })).toThrow(/non-zero/);
  });
});

describe('sequentialInterval against the Waudby-Smith et al. boundary (numpy)', () => {
  it.each(SEQ_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = sequentialInterval(c.estimate, c.se, c.n, { alpha: c.alpha, tuningSampleSize: c.tuningSampleSize });
    expectRelClose(r.rho, c.rho, RTOL, 'rho');
    expectRelClose(r.halfWidth, c.halfWidth, RTOL, 'half width');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
    expect(r.lower).toBe(c.estimate - r.halfWidth);
    expect(r.upper).toBe(c.estimate + r.halfWidth);
  });

  it('excludes 0 exactly when the always-valid p-value is below alpha', () => {
    for (let est = -0.1; est <= 0.1; est += 0.005) {
      const r = sequentialInterval(est, 0.02, 3000);
      expect(r.lower > 0 || r.upper < 0).toBe(r.pValue < 0.05);
    }
  });

  it('is wider than the fixed-horizon interval and narrowest near the tuning size (per sqrt n)', () => {
    const fixed = 1.959963984540054 * 0.01;
    expect(sequentialInterval(0, 0.01, 5000).halfWidth).toBeGreaterThan(fixed);
    const ratio = (n: number): number => sequentialInterval(0, 1 / Math.sqrt(n), n).halfWidth * Math.sqrt(n);
    expect(ratio(5000)).toBeLessThan(ratio(500));
    expect(ratio(5000)).toBeLessThan(ratio(50000));
  });

  it('sequentialTest uses n_c + n_t and the arm summaries', () => {
    const c = { n: 2000, mean: 0.1, variance: 0.09 };
    const t = { n: 2100, mean: 0.112, variance: 0.0985 };
    const abs = sequentialTest(c, t);
    const se = Math.sqrt(t.variance / t.n + c.variance / c.n);
    expect(abs).toEqual(sequentialInterval(t.mean - c.mean, se, 4100));
    const rel = sequentialTest(c, t, { relative: true });
    const lift = relativeLift(c, t);
    expect(rel).toEqual(sequentialInterval(lift.lift, lift.se, 4100));
  });
});

describe('sampleSize and minimumDetectableEffect', () => {
  it.each(POWER_CASES.map((c) => [label(c), c] as const))('sampleSize %s', (_l, c) => {
    const opts = { baseline: c.baseline, mde: c.mde, alpha: c.alpha, power: c.power, ...(c.sd === undefined ? {} : { sd: c.sd }) };
    expect(sampleSize(opts)).toBe(c.n);
  });

  it.each(MDE_CASES.map((c) => [label(c), c] as const))('minimumDetectableEffect %s', (_l, c) => {
    const opts = { baseline: c.baseline, n: c.n, alpha: c.alpha, power: c.power, ...(c.sd === undefined ? {} : { sd: c.sd }) };
    expectRelClose(minimumDetectableEffect(opts), c.mde, 1e-9, 'mde');
  });

  it('round-trips: the MDE at sampleSize(mde) is at most mde', () => {
    for (const mde of [0.05, 0.1, 0.3]) {
      const n = sampleSize({ baseline: 0.08, mde });
      const back = minimumDetectableEffect({ baseline: 0.08, n });
      expect(back).toBeLessThanOrEqual(mde);
      expect(back).toBeGreaterThan(mde * 0.999);
    }
  });

  it('absolute effects when relative is false', () => {
    expect(sampleSize({ baseline: 0.05, mde: 0.005, relative: false })).toBe(sampleSize({ baseline: 0.05, mde: 0.1 }));
  });
});

describe('distribution tails (stdlib-js) against scipy, including ~1e-300', () => {
  it.each(DIST_CASES.map((c) => [c.call, c] as const))('%s', (_l, c) => {
    const v = c.fn === 'chi2Sf' ? chi2Sf(c.x, c.k!) : c.fn === 'tTwoSided' ? tTwoSided(c.x, c.k!) : normSf(c.x);
    expectRelClose(v, c.value, RTOL, c.call);
  });
});
