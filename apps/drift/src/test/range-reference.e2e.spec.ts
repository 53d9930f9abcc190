import { cbpe, isotonicCalibrator, quantileSorted, sortSample, zTestProportions } from '@modelyard/stats';
import { prng, type TestApp } from '@modelyard/platform/testing';
import { normals, startDrift } from './harness.js';

// A reference from a time range carries, like the other kinds, the operational baselines (latency,
// errors, confidence) and the CBPE calibration records of that range's records, late labels included.
let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const HOUR_MS = 3_600_000;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Sent {
  id: string;
  features: { x: number };
  prediction: string;
  confidence: number;
  latencyMs: number;
  success: boolean;
  ts: string;
  label?: string;
}

/** A calibrated binary classifier's records (P(y = 1 | x) = sigmoid(2x)) with known latency and errors. */
function stream(seed: number, n: number, startMs: number, spanMs: number, latency: (i: number) => number, failEvery: number) {
  const z = normals(seed);
  const rand = prng(seed + 1);
  return Array.from({ length: n }, (_, i) => {
    const x = z();
    const score = sigmoid(2 * x);
    const label = rand() < score ? '1' : '0';
    const record: Sent = {
      id: `s${seed}-${i}`,
      features: { x },
      prediction: score >= 0.5 ? '1' : '0',
      confidence: Math.max(score, 1 - score),
      latencyMs: latency(i),
      success: i % failEvery !== 0,
      ts: new Date(startMs + ((i + 0.5) * spanMs) / n).toISOString(),
    };
    return { record, label };
  });
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sampleSd = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
};
const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

it('a range reference gives the range records’ operational baselines and calibrates CBPE on their labels, late ones included', async () => {
  const created = await app.request('POST', '/v1/monitors', {
    body: {
      name: 'range-ops',
      model: 'range-ops',
      features: [{ name: 'x', kind: 'numeric' }],
      prediction: { name: 'y', kind: 'categorical' },
      label: { name: 'y', kind: 'categorical' },
      window: { size: 2000 },
      schedule: { everySeconds: 3600 },
      alertRules: [],
    },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  // The range: one whole hour two days ago. Latency 10..14 ms, one record in 10 failed; half the
  // labels sent with the records, the other half later through /labels.
  const hour = Math.floor(Date.now() / HOUR_MS) - 48;
  const range = stream(1, 200, hour * HOUR_MS, HOUR_MS, (i) => 10 + (i % 5), 10);
  // Outside it, no labels: the hour before (100..101 ms, one in 2 failed) and the last hour (40..42 ms, one in 4 failed).
  const before = stream(2, 100, (hour - 1) * HOUR_MS, HOUR_MS, (i) => 100 + (i % 2), 2);
  const recent = stream(3, 300, Date.now() - HOUR_MS, HOUR_MS / 2, (i) => 40 + (i % 3), 4);
  const withLabel = range.map(({ record, label }, i) => (i % 2 ? record : { ...record, label }));
  for (const records of [before.map((r) => r.record), withLabel, recent.map((r) => r.record)])
    expect((await app.request('POST', `/v1/monitors/${id}/records`, { body: { records } })).status).toBe(200);
  const late = range.filter((_, i) => i % 2).map(({ record, label }) => ({ id: record.id, label }));
  const labelled = await app.request('POST', `/v1/monitors/${id}/labels`, { body: { labels: late } });
  expect(labelled.body).toMatchObject({ matched: 100 });

  const set = await app.request('POST', `/v1/monitors/${id}/reference/from-range`, {
    body: { from: new Date(hour * HOUR_MS).toISOString(), to: new Date((hour + 1) * HOUR_MS).toISOString() },
    as: 'editor',
  });
  expect(set.status).toBe(200);
  expect(set.body.rows).toBe(200);
  expect([...set.body.columns].sort()).toEqual(
    ['$cal-predicted', '$cal-score', '$cal-truth', '$confidence', '$label', '$latency', '$prediction', '$success', 'x'].sort(),
  );

  const report = await app.request('POST', `/v1/monitors/${id}/check`, { as: 'editor' });
  expect(report.status).toBe(200);
  const body = report.body;

  // Expected: the z-scores of the window (all 600 records) against the range's 200 records only.
  const ref = range.map((r) => r.record);
  const win = [...before, ...range, ...recent].map((r) => r.record);
  const refLatency = ref.map((r) => r.latencyMs);
  const winLatency = win.map((r) => r.latencyMs);
  expect(mean(refLatency)).toBe(12);
  const n = win.length;
  close(body.signals.latencyMeanZ, (mean(winLatency) - 12) / (sampleSd(refLatency) / Math.sqrt(n)));
  const p95 = quantileSorted(sortSample(refLatency), 0.95);
  expect(p95).toBe(14);
  const above = winLatency.filter((v) => v > p95).length;
  close(body.signals.latencyP95Z, (above / n - 0.05) / Math.sqrt((0.05 * 0.95) / n));
  const errors = (records: Sent[]) => records.filter((r) => !r.success).length;
  expect(errors(ref)).toBe(20);
  close(body.signals.errorRateZ, zTestProportions(errors(win), n, 20, 200).z);
  const refConfidence = ref.map((r) => r.confidence);
  close(body.signals.confidenceZ, (mean(win.map((r) => r.confidence)) - mean(refConfidence)) / (sampleSd(refConfidence) / Math.sqrt(n)));
  expect(body.signals.latencyMeanZ).toBeGreaterThan(10);
  expect(body.signals.errorRateZ).toBeGreaterThan(3);

  // CBPE calibrated on the range's 200 labelled records (positive class '1'), applied to the window.
  const rawPositive = (r: Sent) => (r.prediction === '1' ? r.confidence : 1 - r.confidence);
  const truth = Uint8Array.from(range, (r) => (r.label === '1' ? 1 : 0));
  const calibrate = isotonicCalibrator(Float64Array.from(ref, rawPositive), truth);
  const referenceAccuracy = range.filter((r) => r.label === r.record.prediction).length / 200;
  const raw = Float64Array.from(win, rawPositive);
  const expected = cbpe(
    Uint8Array.from(win, (r) => (r.prediction === '1' ? 1 : 0)),
    raw.map(calibrate),
    raw,
  );
  const estimated = body.performance.estimated;
  expect(estimated).toMatchObject({ method: 'cbpe-isotonic', records: 600 });
  close(estimated.referenceAccuracy, referenceAccuracy);
  close(estimated.accuracy, expected.accuracy);
  close(estimated.f1, expected.f1!);
  close(estimated.rocAuc, expected.rocAuc!);
  expect(estimated.accuracy).toBeGreaterThan(0.6);
});
