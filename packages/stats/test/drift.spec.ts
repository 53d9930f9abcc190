import {
  autoTest,
  chiSquare,
  distributionsFromSamples,
  driftNumeric,
  jensenShannon,
  ks2samp,
  psi,
  psiCounts,
  srm,
  wasserstein,
  wassersteinNormed,
} from '../src/index.js';
import { expectRelClose, shuffled } from './helpers.js';
import { generate, materialize } from './prng.js';
import { AUTO_CASES, CHI2_CASES, JS_CASES, JS_SAMPLE_CASES, PSI_CASES, SRM_CASES, WASSERSTEIN_CASES } from './reference/drift.ref.js';

const RTOL = 1e-9;
const label = (c: { note: string; call: string }): string => `${c.note} [${c.call}]`;

describe('wasserstein / wassersteinNormed against scipy (reference/drift.ref.ts)', () => {
  it.each(WASSERSTEIN_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const a = materialize(c.a);
    const b = materialize(c.b);
    expectRelClose(wasserstein(a, b), c.value, RTOL, 'W1');
    expectRelClose(wassersteinNormed(a, b), c.normed, RTOL, 'normed');
  });
});

describe('psi against the numpy definition (psi_ref in gen_drift.py)', () => {
  it.each(PSI_CASES.map((c) => [`${label(c)} bins=${c.bins}`, c] as const))('%s', (_l, c) => {
    const a = materialize(c.a);
    const r = psi(a, materialize(c.b), { bins: c.bins });
    expectRelClose(r.value, c.value, RTOL, 'psi');
    // Edges are np.quantile's, bit for bit; the shares are counts / n.
    expect(r.edges.slice(1, -1)).toEqual(c.interior);
    expect(r.refShare).toEqual(c.refShare);
    expect(r.curShare).toEqual(c.curShare);
  });

  it('is 0 for identical samples, positive otherwise, and finite with empty bins', () => {
    const a = generate({ gen: 'normal', seed: 1, n: 2000 });
    expect(psi(a, shuffled(a, 3)).value).toBe(0);
    const shifted = psi(a, generate({ gen: 'normal', seed: 2, n: 2000, mu: 0.5 }));
    expect(shifted.value).toBeGreaterThan(0.1);
    // Every current value beyond the reference maximum: nine empty current bins use eps.
    const far = psi(a, [100, 101, 102]);
    expect(far.curShare).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const expected = 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + (1 - 0.1) * Math.log(1 / 0.1);
    expectRelClose(far.value, expected, 1e-12, 'eps rule');
  });

  it('merges duplicate quantile edges of a discrete reference', () => {
    // Deciles of five 1s and five 2s: 1 (x4), 1.5, 2 (x4) -> interior edges 1, 1.5, 2.
    const r = psi([1, 1, 1, 1, 1, 2, 2, 2, 2, 2], [1, 2, 3]);
    expect(r.edges).toEqual([1, 1, 1.5, 2, 2]);
    expect(r.refShare).toEqual([0.5, 0, 0.5, 0]);
    expect(r.curShare).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
  });
});

describe('chiSquare against scipy.stats.chi2_contingency(correction=False)', () => {
  it.each(CHI2_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = chiSquare(c.ref, c.cur);
    expect(r.dof).toBe(c.dof);
    expectRelClose(r.statistic, c.statistic, RTOL, 'statistic');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
  });

  it('drops categories empty in both samples and is invariant to row swap and column order', () => {
    const withEmpty = chiSquare([10, 0, 20, 5], [15, 0, 12, 9]);
    const without = chiSquare([10, 20, 5], [15, 12, 9]);
    expect(withEmpty).toEqual(without);
    expect(without.dof).toBe(2);
    const swapped = chiSquare([15, 12, 9], [10, 20, 5]);
    expectRelClose(swapped.statistic, without.statistic, 1e-14);
    const permuted = chiSquare([5, 10, 20], [9, 15, 12]);
    expectRelClose(permuted.statistic, without.statistic, 1e-14);
  });

  it('is degenerate (0, 1, dof 0) with a single non-empty category and rejects bad input', () => {
    expect(chiSquare([5, 0], [7, 0])).toEqual({ statistic: 0, pValue: 1, dof: 0 });
    expect(() => chiSquare([1, 2], [1])).toThrow(/same length/);
    expect(() => chiSquare([0, 0], [1, 2])).toThrow(/at least one count/);
    expect(() => chiSquare([-1, 2], [1, 2])).toThrow(/>= 0/);
  });
});

describe('srm against scipy.stats.chisquare with expected counts from weights', () => {
  it.each(SRM_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = srm(c.observed, c.weights);
    expect(r.dof).toBe(c.observed.length - 1);
    expectRelClose(r.statistic, c.statistic, RTOL, 'statistic');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
  });
});

describe('jensenShannon against scipy.spatial.distance.jensenshannon', () => {
  it.each(JS_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    expectRelClose(jensenShannon(c.p, c.q), c.value, RTOL, 'js');
  });

  it.each(JS_SAMPLE_CASES.map((c) => [label(c), c] as const))('numeric samples, shared bins: %s', (_l, c) => {
    const d = distributionsFromSamples(materialize(c.a), materialize(c.b), 'numeric');
    expect(d.edges).toEqual(c.edges);
    expect(d.p).toEqual(c.p);
    expect(d.q).toEqual(c.q);
    expectRelClose(jensenShannon(d.p, d.q), c.value, RTOL, 'js');
  });

  it('is symmetric, bounded by sqrt(ln 2), and 0 for equal distributions', () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.6, 0.1, 0.3];
    expect(jensenShannon(p, q)).toBe(jensenShannon(q, p));
    expectRelClose(jensenShannon([1, 0], [0, 1]), Math.sqrt(Math.LN2), 1e-15);
    expect(jensenShannon([2, 4], [1, 2])).toBe(0);
  });

  it('builds categorical shares over the union of categories', () => {
    const d = distributionsFromSamples(['a', 'b', 'b', 'c'], ['b', 'd'], 'categorical');
    expect(d.categories).toEqual(['a', 'b', 'c', 'd']);
    expect(d.p).toEqual([0.25, 0.5, 0.25, 0]);
    expect(d.q).toEqual([0, 0.5, 0, 0.5]);
  });
});

describe('driftNumeric (one sort per sample for KS + Wasserstein + PSI)', () => {
  it('equals the individual functions', () => {
    const a = generate({ gen: 'normal', seed: 401, n: 3000 });
    const b = generate({ gen: 'heavy', seed: 402, n: 2500 });
    const r = driftNumeric(a, b);
    expect(r.ks).toEqual(ks2samp(a, b));
    expect(r.wasserstein).toBe(wasserstein(a, b));
    expect(r.wassersteinNormed).toBe(wassersteinNormed(a, b));
    expect(r.psi).toEqual(psi(a, b));
  });
});

describe('autoTest: Evidently rule and thresholds', () => {
  it.each(AUTO_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = autoTest(materialize(c.a), materialize(c.b), c.kind);
    expect(r.test).toBe(c.test);
    expect(r.drift).toBe(c.drift);
    expectRelClose(r.statistic, c.statistic, RTOL, 'statistic');
    if (c.pValue === undefined) expect(r.pValue).toBeUndefined();
    else expectRelClose(r.pValue!, c.pValue, RTOL, 'p');
  });

  it('uses categories for string data', () => {
    const ref = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 'x' : 'y'));
    const cur = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 'x' : 'y'));
    const r = autoTest(ref, cur, 'categorical');
    expect(r.test).toBe('z');
    expect(r.threshold).toBe(0.05);
  });
});

describe('wasserstein properties', () => {
  const a = generate({ gen: 'normal', seed: 501, n: 900 });
  const b = generate({ gen: 'uniform', seed: 502, n: 700, lo: -2, hi: 2 });

  it('is symmetric, permutation invariant, and 0 on identical samples', () => {
    expect(wasserstein(b, a)).toBeCloseTo(wasserstein(a, b), 14);
    expect(wasserstein(shuffled(a, 9), shuffled(b, 8))).toBe(wasserstein(a, b));
    expect(wasserstein(a, shuffled(a, 7))).toBe(0);
  });

  it('equals |c| for a sample against itself shifted by c', () => {
    const shiftedA = a.map((x) => x + 0.75);
    expectRelClose(wasserstein(a, shiftedA), 0.75, 1e-12);
  });

  it('floors the normalising spread at 0.001 for a constant reference', () => {
    expectRelClose(wassersteinNormed([2, 2, 2], [2, 3]), 0.5 / 0.001, 1e-12);
  });
});

describe('psiCounts (categorical PSI: categories are the bins)', () => {
  it('matches numpy: sum((c - r) * log(c / r)) over the category shares', () => {
    // python: r = np.array([50,30,20])/100; c = np.array([30,30,40])/100; np.sum((c-r)*np.log(c/r))
    expectRelClose(psiCounts([50, 30, 20], [30, 30, 40]), 0.2407945608651872, 1e-14, 'psiCounts');
    // python: r = np.where(r == 0, 1e-4, r) for r = [0.6, 0.4, 0], c = [0.5, 0.3, 0.2]
    expectRelClose(psiCounts([60, 40, 0], [50, 30, 20]), 1.566420764587036, 1e-14, 'psiCounts eps');
  });

  it('is 0 for equal shares and refuses mismatched or empty counts', () => {
    expect(psiCounts([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 15);
    expect(() => psiCounts([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => psiCounts([0, 0], [1, 2])).toThrow(RangeError);
  });
});
