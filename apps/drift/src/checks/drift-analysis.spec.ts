import { normals } from '../test/harness.js';
import { decodeChunks, encodeChunk, type ColumnDef } from '../window/window.codec.js';
import { runDriftTest } from './drift-tests.js';
import { featureSeverity, overallSeverity } from './severity.js';

const sample = (seed: number, n: number, shift = 0) => {
  const z = normals(seed);
  return Float64Array.from({ length: n }, () => z() + shift);
};

describe('drift tests on seeded streams', () => {
  it('keeps false alarms of an unshifted stream near the nominal α (KS, 400 seeds)', () => {
    let alarms = 0;
    const seeds = 400;
    for (let s = 0; s < seeds; s++) {
      const r = runDriftTest(
        { name: 'x', kind: 'numeric', test: 'auto' },
        { kind: 'numeric', values: sample(2 * s + 1, 500) },
        sample(2 * s + 2, 500),
      );
      expect(r!.test).toBe('ks');
      if (r!.drifted) alarms++;
    }
    // Binomial(400, 0.05): mean 20, sd 4.4; [8, 34] is beyond ±3 sd.
    expect(alarms).toBeGreaterThanOrEqual(8);
    expect(alarms).toBeLessThanOrEqual(34);
  });

  it('keeps false alarms of an unshifted categorical stream near α (chi-square, 300 seeds)', () => {
    let alarms = 0;
    for (let s = 0; s < 300; s++) {
      const cats = (seed: number) => Array.from(sample(seed, 400), (v) => (v < -0.5 ? 'a' : v < 0.5 ? 'b' : 'c'));
      const refCats = cats(1000 + s);
      const counts: Record<string, number> = {};
      for (const c of refCats) counts[c] = (counts[c] ?? 0) + 1;
      const r = runDriftTest({ name: 'c', kind: 'categorical', test: 'auto' }, { kind: 'categorical', counts }, cats(5000 + s));
      expect(r!.test).toBe('chi2');
      if (r!.drifted) alarms++;
    }
    expect(alarms).toBeGreaterThanOrEqual(4);
    expect(alarms).toBeLessThanOrEqual(29);
  });

  it('switches to the normed Wasserstein distance for large references and flags a 0.5 sd shift', () => {
    const ref = { kind: 'numeric' as const, values: sample(1, 5000) };
    const shifted = runDriftTest({ name: 'x', kind: 'numeric', test: 'auto' }, ref, sample(2, 5000, 0.5))!;
    expect(shifted).toMatchObject({ test: 'wasserstein', drifted: true, pValue: null, threshold: 0.1 });
    expect(shifted.statistic).toBeGreaterThan(0.4);
    expect(shifted.severity).toBe('high');
    const steady = runDriftTest({ name: 'x', kind: 'numeric', test: 'auto' }, ref, sample(3, 5000))!;
    expect(steady).toMatchObject({ test: 'wasserstein', drifted: false, severity: 'none' });
  });

  it('runs the forced tests with their own thresholds', () => {
    const ref = { kind: 'numeric' as const, values: sample(1, 2000) };
    const cur = sample(2, 2000, 0.3);
    expect(runDriftTest({ name: 'x', kind: 'numeric', test: 'psi' }, ref, cur)).toMatchObject({
      test: 'psi',
      drifted: true,
      threshold: 0.1,
    });
    expect(runDriftTest({ name: 'x', kind: 'numeric', test: 'ks', threshold: 1e-30 }, ref, cur)).toMatchObject({
      test: 'ks',
      drifted: false,
    });
    expect(runDriftTest({ name: 'x', kind: 'numeric', test: 'js' }, ref, cur)!.test).toBe('js');
  });
});

describe('categorical PSI', () => {
  it('bins by category: the numpy value for counts 50/30/20 → 30/30/40', () => {
    const ref = { kind: 'categorical' as const, counts: { a: 50, b: 30, c: 20 } };
    const cur = [...Array<string>(30).fill('a'), ...Array<string>(30).fill('b'), ...Array<string>(40).fill('c')];
    // python: r = np.array([50,30,20])/100; c = np.array([30,30,40])/100; np.sum((c-r)*np.log(c/r))
    const r = runDriftTest({ name: 'plan', kind: 'categorical', test: 'psi' }, ref, cur)!;
    expect(r).toMatchObject({ test: 'psi', pValue: null, threshold: 0.1, drifted: true, severity: 'medium' }); // 0.24 ≥ 2 × threshold
    expect(r.statistic).toBeCloseTo(0.2407945608651872, 12);
    const same = runDriftTest({ name: 'plan', kind: 'categorical', test: 'psi' }, ref, [
      ...Array<string>(5).fill('a'),
      ...Array<string>(3).fill('b'),
      ...Array<string>(2).fill('c'),
    ])!;
    expect(same).toMatchObject({ drifted: false, severity: 'none' });
    expect(same.statistic).toBeCloseTo(0, 12);
  });
});

describe('severity rule', () => {
  it('grades a feature by how far past its threshold it is', () => {
    expect(featureSeverity({ drifted: false, pValue: 0.5, statistic: 0, threshold: 0.05 })).toBe('none');
    expect(featureSeverity({ drifted: true, pValue: 0.01, statistic: 0, threshold: 0.05 })).toBe('low');
    expect(featureSeverity({ drifted: true, pValue: 1e-4, statistic: 0, threshold: 0.05 })).toBe('medium');
    expect(featureSeverity({ drifted: true, pValue: 1e-9, statistic: 0, threshold: 0.05 })).toBe('high');
    expect(featureSeverity({ drifted: true, pValue: null, statistic: 0.15, threshold: 0.1 })).toBe('low');
    expect(featureSeverity({ drifted: true, pValue: null, statistic: 0.25, threshold: 0.1 })).toBe('medium');
    expect(featureSeverity({ drifted: true, pValue: null, statistic: 0.4, threshold: 0.1 })).toBe('high');
  });

  it('raises the overall severity with the share of drifted features', () => {
    expect(overallSeverity(['none', 'none'], 0)).toBe('none');
    expect(overallSeverity(['low', 'none', 'none', 'none', 'none'], 0.2)).toBe('low');
    expect(overallSeverity(['medium', 'none', 'none'], 1 / 3)).toBe('high');
    expect(overallSeverity(['high', 'low'], 1)).toBe('critical');
    expect(overallSeverity(['low', 'low'], 1)).toBe('high');
  });
});

describe('window codec', () => {
  it('round-trips numeric and categorical columns and keeps only the last records', () => {
    const layout: ColumnDef[] = [
      { name: 'x', kind: 'numeric' },
      { name: 'c', kind: 'categorical' },
    ];
    const chunk = (from: number, n: number) =>
      encodeChunk(layout, {
        n,
        values: new Map<string, Float64Array | (string | null)[]>([
          ['x', Float64Array.from({ length: n }, (_, i) => from + i + 0.5)],
          ['c', Array.from({ length: n }, (_, i) => ((from + i) % 3 === 0 ? null : `k${(from + i) % 3}`))],
        ]),
      });
    // An odd-length first chunk puts the second chunk's float64 run off 8-byte alignment.
    const chunks = [chunk(0, 3), chunk(3, 4), Buffer.concat([Buffer.alloc(1), chunk(7, 5)]).subarray(1)];
    const all = decodeChunks(layout, chunks);
    expect(all.n).toBe(12);
    expect(Array.from(all.values.get('x') as Float64Array)).toEqual(Array.from({ length: 12 }, (_, i) => i + 0.5));
    expect(all.values.get('c')).toEqual(Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? null : `k${i % 3}`)));
    const tail = decodeChunks(layout, chunks, 6);
    expect(Array.from(tail.values.get('x') as Float64Array)).toEqual([6.5, 7.5, 8.5, 9.5, 10.5, 11.5]);
    expect(tail.values.get('c')).toEqual(['k0', 'k1', 'k2', null, 'k1', 'k2'].map((v, i) => ((6 + i) % 3 === 0 ? null : v)));
  });
});

describe('report body', () => {
  it('measures regression error, confidence z-score and latency p95 from the window', async () => {
    const { analyse } = await import('./drift-analysis.js');
    const n = 100;
    const window = {
      n,
      values: new Map<string, Float64Array | (string | null)[]>([
        ['x', sample(7, n)],
        ['$prediction', Float64Array.from({ length: n }, (_, i) => i)],
        ['$label', Float64Array.from({ length: n }, (_, i) => i + (i % 2 ? 2 : -2))],
        ['$confidence', new Float64Array(n).fill(0.6)],
        ['$latency', Float64Array.from({ length: n }, (_, i) => i + 1)],
        ['$success', new Float64Array(n).fill(NaN)],
        ['$ts', new Float64Array(n).fill(1_000_000)],
      ]),
    };
    const body = analyse({
      monitorName: 'm',
      features: [{ name: 'x', kind: 'numeric', test: 'auto' }],
      prediction: { name: 'y', kind: 'numeric' },
      label: { name: 'y', kind: 'numeric' },
      rules: [{ signal: 'latency_p95_ms', condition: '>', threshold: 50, windowSeconds: 60, severity: 'low', message: '{signal}={value}' }],
      reference: new Map([
        ['x', { kind: 'numeric' as const, values: sample(8, 200) }],
        ['$confidence', { kind: 'numeric' as const, values: Float64Array.from([0.7, 0.9, 0.7, 0.9]) }],
      ]),
      window,
      now: 1_030_000,
    });
    expect(body.performance).toEqual({
      labelled: 100,
      labelledShare: 1,
      labelDelayP50Ms: null,
      labelDelayP95Ms: null,
      accuracy: null,
      precision: null,
      recall: null,
      f1: null,
      rocAuc: null,
      logLoss: null,
      positiveClass: null,
      mae: 2,
      rmse: 2,
      estimated: null,
    });
    // Reference confidence: mean 0.8, sd 0.11547 (n − 1); window mean 0.6 over 100 records.
    expect(body.signals.confidenceZ).toBeCloseTo((0.6 - 0.8) / (Math.sqrt(0.04 / 3) / 10), 9);
    // numpy.percentile(range(1, 101), 95) = 95.05 (linear interpolation).
    expect(body.signals.latencyP95Ms).toBeCloseTo(95.05, 12);
    expect(body.signals.successRate).toBeNull();
    expect(body.rules).toEqual([
      {
        signal: 'latency_p95_ms',
        feature: null,
        condition: '>',
        threshold: 50,
        value: body.signals.latencyP95Ms,
        severity: 'low',
        message: 'latency_p95_ms=95.05',
      },
    ]);
    // Records older than the rule's window do not count.
    expect(
      analyse({
        monitorName: 'm',
        features: [],
        prediction: null,
        label: null,
        reference: new Map(),
        window,
        rules: [{ signal: 'latency_p95_ms', condition: '>', threshold: 50, windowSeconds: 10, severity: 'low', message: 'x' }],
        now: 1_030_000,
      }).rules,
    ).toEqual([]);
  });
});
