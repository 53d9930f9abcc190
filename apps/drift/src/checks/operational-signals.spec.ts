import { CONFIDENCE, LATENCY, SUCCESS, type Columns } from '../window/window.codec.js';
import type { ReferenceColumn } from './drift-tests.js';
import { operationalBaseline, operationalSignals } from './operational-signals.js';

const numeric = (values: number[]): ReferenceColumn => ({ kind: 'numeric', values: Float64Array.from(values) });
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// Reference period: latencies 1..100 ms, 50 errors in 1,000 records.
const reference = new Map<string, ReferenceColumn>([
  [LATENCY, numeric(range(100))],
  [SUCCESS, numeric(Array.from({ length: 1000 }, (_, i) => (i < 50 ? 0 : 1)))],
]);

function window(latency: number[], success: number[]): Columns {
  const n = Math.max(latency.length, success.length);
  const pad = (v: number[]) => Float64Array.from({ length: n }, (_, i) => v[i] ?? NaN);
  return {
    n,
    values: new Map([
      [LATENCY, pad(latency)],
      [SUCCESS, pad(success)],
      [CONFIDENCE, pad([])],
    ]),
  };
}

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('operational signals as z-scores against the reference period', () => {
  const base = operationalBaseline(reference);

  it('summarizes the reference once: latency moments and p95, error count', () => {
    // numpy: np.arange(1, 101).mean() = 50.5, .std(ddof=1) = 29.011491975882016, np.percentile(…, 95) = 95.05.
    expect(base.latency!.mean).toBeCloseTo(50.5, 12);
    expect(base.latency!.sd).toBeCloseTo(29.011491975882016, 12);
    expect(base.latency!.p95).toBeCloseTo(95.05, 12);
    expect(base.errors).toEqual({ errors: 50, n: 1000 });
    expect(base.confidence).toBeNull();
  });

  it('scores the window: error-rate z, latency mean z and the p95 tail z', () => {
    // 40 latencies: 30 of 50 ms and 10 of 120 ms (above the reference p95); 30 errors in 200 records.
    const latency = [...Array<number>(30).fill(50), ...Array<number>(10).fill(120)];
    const success = Array.from({ length: 200 }, (_, i) => (i < 30 ? 0 : 1));
    const s = operationalSignals(window(latency, success), all(200), base);
    expect(s.errorRate).toBeCloseTo(0.15, 12);
    // statsmodels.stats.proportion.proportions_ztest([30, 50], [200, 1000]) → z = 5.175491695067657.
    expect(s.errorRateZ).toBeCloseTo(5.175491695067657, 9);
    expect(s.meanLatencyMs).toBeCloseTo(67.5, 12);
    // (67.5 − 50.5) / (29.011491975882016 / √40) = 3.7060293395150743.
    expect(s.latencyMeanZ).toBeCloseTo(3.7060293395150743, 9);
    // 10 of 40 above the reference p95: (0.25 − 0.05) / √(0.05 · 0.95 / 40) = 5.803810000880094.
    expect(s.latencyP95Z).toBeCloseTo(5.803810000880094, 9);
    expect(s.confidenceZ).toBeNull();
  });

  it('reads no z-score where the reference period lacks the column', () => {
    const s = operationalSignals(window([10, 20], [1, 0]), all(2), operationalBaseline(new Map()));
    expect([s.errorRateZ, s.latencyMeanZ, s.latencyP95Z]).toEqual([null, null, null]);
    expect(s.errorRate).toBeCloseTo(0.5, 12);
    expect(s.latencyP95Ms).toBeCloseTo(19.5, 12);
  });

  it('answers z = 0 for a window that looks like its reference', () => {
    const s = operationalSignals(
      window(
        range(100),
        Array.from({ length: 1000 }, (_, i) => (i < 50 ? 0 : 1)),
      ),
      all(1000),
      base,
    );
    expect(s.errorRateZ).toBe(0);
    expect(s.latencyMeanZ).toBeCloseTo(0, 12);
    // 5 of 100 latencies (96..100) are above 95.05: exactly the expected 5 %.
    expect(s.latencyP95Z).toBeCloseTo(0, 12);
  });
});
