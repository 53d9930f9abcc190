import { expectedLoss, relativeLift, sequentialTest, zTestProportions } from '@modelyard/stats';
import { prng } from '@modelyard/platform/testing';
import type { MetricSummary } from '@modelyard/types';
import { arm, computeResults, type ResultsInput } from './results.calculator.js';

const binary = (n: number, conversions: number): MetricSummary => ({ n, sum: conversions, sumSquares: conversions });

function input(control: MetricSummary, treatment: MetricSummary, extra: Partial<ResultsInput> = {}): ResultsInput {
  return {
    key: 'e',
    status: 'running',
    variants: [
      { key: 'control', version: '1.0.0', weight: 0.5 },
      { key: 'treatment', version: '1.0.1', weight: 0.5 },
    ],
    control: 'control',
    primary: { name: 'conv', kind: 'binomial', direction: 'higher' },
    guardrails: [],
    alpha: 0.05,
    sequential: true,
    minSampleSize: null,
    summaries: { control: { conv: control }, treatment: { conv: treatment } },
    ...extra,
  };
}

describe('results from sufficient statistics', () => {
  it('derives mean and unbiased variance from n, Σx, Σx²', () => {
    // x = [1, 2, 3, 4]: mean 2.5, sample variance 1.6667 (numpy.var(x, ddof=1)).
    expect(arm({ n: 4, sum: 10, sumSquares: 30 })).toEqual({ n: 4, mean: 2.5, variance: 5 / 3 });
    expect(arm({ n: 1, sum: 1, sumSquares: 1 })).toBeNull();
  });

  it('wires the stats package: z-test, relative lift and the sequential test', () => {
    const r = computeResults(input(binary(1000, 100), binary(1000, 130)));
    const cmp = r.comparisons[0]!;
    const z = zTestProportions(130, 1000, 100, 1000, { alpha: 0.05 });
    expect(cmp.diff).toBeCloseTo(0.03, 12);
    expect(cmp.pValue).toBe(z.pValue);
    const ca = arm(binary(1000, 100))!;
    const ta = arm(binary(1000, 130))!;
    expect(cmp.relativeLift).toBeCloseTo(0.3, 12);
    expect(cmp.relativeLiftCi).toEqual(relativeLift(ca, ta).ci);
    expect(cmp.sequentialPValue).toBe(sequentialTest(ca, ta, { alpha: 0.05 }).pValue);
    // Fixed-horizon p ≈ 0.035 but the always-valid p-value is larger: not significant yet.
    expect(cmp.pValue!).toBeLessThan(0.05);
    expect(cmp.significant).toBe(cmp.sequentialPValue! < 0.05);
    expect(r.variants.map((v) => v.units)).toEqual([1000, 1000]);
  });

  it('flags a sample ratio mismatch (chi-square p < 0.001) and refuses to recommend shipping', () => {
    // scipy.stats.chisquare([1000, 800], [900, 900]) → statistic 22.22222222222222, pvalue 2.4284674729758432e-06.
    const r = computeResults(input(binary(1000, 100), binary(800, 400)));
    expect(r.srm.statistic).toBeCloseTo(22.2222222, 6);
    expect(Math.abs(r.srm.pValue! / 2.4284674729758432e-6 - 1)).toBeLessThan(1e-9);
    expect(r.srm.flagged).toBe(true);
    expect(r.recommendation.action).toBe('keep_running');
  });

  it('stops on a guardrail that is confidently worse than allowed', () => {
    const latency = (n: number, mean: number, sd: number): MetricSummary => ({
      n,
      sum: n * mean,
      sumSquares: (n - 1) * sd * sd + n * mean * mean,
    });
    const r = computeResults({
      ...input(binary(5000, 500), binary(5000, 600)),
      guardrails: [{ name: 'latency_ms', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.05 }],
      summaries: {
        control: { conv: binary(5000, 500), latency_ms: latency(5000, 100, 20) },
        treatment: { conv: binary(5000, 600), latency_ms: latency(5000, 120, 20) },
      },
    });
    expect(r.guardrails).toEqual([expect.objectContaining({ variant: 'treatment', metric: 'latency_ms', verdict: 'fail' })]);
    expect(r.guardrails[0]!.relativeChange).toBeCloseTo(0.2, 10);
    expect(r.recommendation).toMatchObject({ action: 'stop_guardrail', variant: 'treatment' });
  });

  describe('a clear winner ships only when every guardrail of it passes', () => {
    const latency = (n: number, mean: number, sd: number): MetricSummary => ({
      n,
      sum: n * mean,
      sumSquares: (n - 1) * sd * sd + n * mean * mean,
    });
    const guarded = (treatmentLatency: MetricSummary, controlLatency = latency(20000, 100, 20), extra: Partial<ResultsInput> = {}) =>
      computeResults({
        ...input(binary(20000, 2000), binary(20000, 2400)),
        guardrails: [{ name: 'latency_ms', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.05 }],
        summaries: {
          control: { conv: binary(20000, 2000), latency_ms: controlLatency },
          treatment: { conv: binary(20000, 2400), latency_ms: treatmentLatency },
        },
        ...extra,
      });

    it('pass: ships', () => {
      const r = guarded(latency(20000, 100, 20));
      expect(r.guardrails[0]!.verdict).toBe('pass');
      expect(r.recommendation).toEqual({ action: 'ship', variant: 'treatment', reason: 'treatment beats control on conv' });
    });

    it('warn (may degrade beyond the tolerance): keeps running, saying why', () => {
      // +5 % latency, interval about ±0.4 %: possibly, not confidently, past the 5 % tolerance.
      const r = guarded(latency(20000, 105, 20));
      expect(r.comparisons.find((c) => c.metric === 'conv')!.significant).toBe(true);
      expect(r.guardrails[0]!.verdict).toBe('warn');
      expect(r.recommendation).toEqual({
        action: 'keep_running',
        variant: null,
        reason:
          'treatment beats control on conv, but guardrail latency_ms of treatment is warn: it may degrade beyond 5%: not shipping yet',
      });
    });

    it('insufficient_data: keeps running', () => {
      // No guardrail values reported yet: nothing to compare.
      const r = guarded(latency(0, 0, 0), latency(0, 0, 0));
      expect(r.guardrails[0]!.verdict).toBe('insufficient_data');
      expect(r.recommendation.action).toBe('keep_running');
      expect(r.recommendation.reason).toContain('guardrail latency_ms of treatment has insufficient data');
    });

    it('below minSampleSize: keeps running however significant', () => {
      const r = guarded(latency(20000, 100, 20), undefined, { minSampleSize: 25000 });
      expect(r.comparisons.find((c) => c.metric === 'conv')!.significant).toBe(true);
      expect(r.recommendation).toEqual({ action: 'keep_running', variant: null, reason: '20000 of the 25000 units per arm required' });
      expect(guarded(latency(20000, 100, 20), undefined, { minSampleSize: 20000 }).recommendation.action).toBe('ship');
    });
  });

  it('ships a clearly better treatment and answers keep_running without data', () => {
    expect(computeResults(input(binary(20000, 2000), binary(20000, 2400))).recommendation).toMatchObject({
      action: 'ship',
      variant: 'treatment',
    });
    const empty = computeResults(input(binary(0, 0), binary(0, 0)));
    expect(empty.recommendation.action).toBe('keep_running');
    expect(empty.comparisons[0]!.pValue).toBeNull();
    expect(empty.srm.flagged).toBe(false);
  });
});

describe('peeking', () => {
  /** One A/A or A/B run: `looks` batches of `batch` units per arm, results checked after each. */
  function run(rand: () => number, pc: number, pt: number, looks: number, batch: number, sequential: boolean) {
    let xc = 0;
    let xt = 0;
    let n = 0;
    for (let look = 0; look < looks; look++) {
      for (let i = 0; i < batch; i++) {
        if (rand() < pc) xc++;
        if (rand() < pt) xt++;
      }
      n += batch;
      const r = computeResults(input(binary(n, xc), binary(n, xt), { sequential }));
      if (r.comparisons[0]!.significant) return true;
    }
    return false;
  }

  it('keeps false positives at ~5% in 200 A/A tests peeked after every batch, where fixed-horizon peeking does not', () => {
    const runs = 200;
    let sequentialRejects = 0;
    let fixedRejects = 0;
    for (let s = 0; s < runs; s++) {
      if (run(prng(s + 1), 0.1, 0.1, 20, 250, true)) sequentialRejects++;
      if (run(prng(s + 1), 0.1, 0.1, 20, 250, false)) fixedRejects++;
    }
    // At most ~5% (binomial upper tail: 16 of 200 has p ≈ 0.04 under a true 5% rate).
    expect(sequentialRejects / runs).toBeLessThanOrEqual(0.075);
    // Peeking 20 times at a fixed-horizon test rejects a true null far more often (≈ 20-25%).
    expect(fixedRejects / runs).toBeGreaterThan(0.12);
  });

  it('detects a +5% relative effect with enough units', () => {
    let detected = 0;
    for (let s = 0; s < 10; s++) if (run(prng(1000 + s), 0.2, 0.21, 12, 10_000, true)) detected++;
    expect(detected).toBeGreaterThanOrEqual(9);
  });
});

describe('honest statistics', () => {
  const three = (b: MetricSummary, c: MetricSummary, sequential = false) =>
    computeResults({
      ...input(binary(5000, 500), b, { sequential }),
      variants: [
        { key: 'control', version: '1.0.0', weight: 1 },
        { key: 'treatment', version: '1.0.1', weight: 1 },
        { key: 'other', version: '1.0.2', weight: 1 },
      ],
      summaries: { control: { conv: binary(5000, 500) }, treatment: { conv: b }, other: { conv: c } },
    });

  it('adjusts p-values with Holm across treatments and decides on them', () => {
    // Alone, 565/5000 vs 500/5000 is significant (p ≈ 0.035); with a second treatment, Holm doubles it.
    const r = three(binary(5000, 565), binary(5000, 505));
    const [t, o] = r.comparisons;
    expect(t!.pValue!).toBeLessThan(0.05);
    const smaller = Math.min(t!.pValue!, o!.pValue!);
    expect(t!.adjustedPValue).toBeCloseTo(2 * smaller, 12);
    expect(o!.adjustedPValue).toBeCloseTo(Math.max(2 * smaller, o!.pValue!), 12);
    expect(t!.significant).toBe(false);
    expect(r.recommendation.action).not.toBe('ship');
    // The matching interval is at 1 − 0.05/2 and so contains 0, like the decision says.
    const z = zTestProportions(565, 5000, 500, 5000, { alpha: 0.025 });
    expect(t!.adjustedCi).toEqual(z.ci);
    expect(t!.adjustedCi![0]).toBeLessThan(0);
  });

  it('with one treatment leaves the deciding p-value as it is', () => {
    const cmp = computeResults(input(binary(1000, 100), binary(1000, 130))).comparisons[0]!;
    expect(cmp.adjustedPValue).toBe(cmp.sequentialPValue);
    expect(cmp.adjustedCi).toEqual(cmp.sequentialCi);
  });

  it('gives the expected loss of each choice beside the chance to beat control', () => {
    const ca = arm(binary(5000, 500))!;
    const ta = arm(binary(5000, 560))!;
    const cmp = computeResults(input(binary(5000, 500), binary(5000, 560))).comparisons[0]!;
    const { se } = relativeLift(ca, ta);
    // E[max(0, −L)] and E[max(0, L)] for L ~ N(0.12, se²): sd·φ(μ/sd) − μ·Φ(−μ/sd) (see lift.ts).
    expect(cmp.risk!.treatment).toBeCloseTo(expectedLoss(0.12, se), 12);
    expect(cmp.risk!.control).toBeCloseTo(expectedLoss(-0.12, se), 12);
    expect(cmp.risk!.treatment).toBeLessThan(cmp.risk!.control);
    expect(cmp.chanceToBeatControl!).toBeGreaterThan(0.9);
  });

  it('flags SRM by the always-valid test, not the peeking-prone chi-square', () => {
    // 5150 vs 5000 units: chi-square p ≈ 0.137; a 1020 vs 880 split: both alarm.
    const mild = computeResults(input(binary(5150, 500), binary(5000, 500))).srm;
    expect(mild.sequentialPValue).toBe(1);
    expect(mild.flagged).toBe(false);
    const skew = computeResults(input(binary(1000, 100), binary(800, 80))).srm;
    // sequentialSrm([1000, 800], [1, 1]) → 0.00011428367467179875 (packages/stats/test/honest.spec.ts)
    expect(skew.sequentialPValue).toBeCloseTo(0.00011428367467179875, 12);
    expect(skew.flagged).toBe(true);
  });
});
