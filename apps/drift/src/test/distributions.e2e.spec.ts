import type { TestApp } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';

let app: TestApp;
let id: string;
beforeAll(async () => {
  app = await startDrift();
  ({ id } = await createMonitor(app, 'distributions', { prediction: { name: 'churned', kind: 'categorical' } }));
  await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 400) } });
  // The current window: age moved up by two standard deviations; every prediction is 'yes'.
  const shifted = records(2, 300, 2).map((r) => ({ ...r, prediction: 'yes' }));
  expect((await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: shifted } })).status).toBe(200);
});
afterAll(() => app.close());

const distribution = (feature: string) => app.request('GET', `/v1/monitors/${id}/distributions/${feature}`, { as: 'viewer' });
const mean = (bins: { from: number | null; to: number | null }[], shares: number[]) =>
  bins.reduce((s, b, i) => s + ((b.from! + b.to!) / 2) * shares[i]!, 0);

describe('GET /v1/monitors/:id/distributions/:feature', () => {
  it('bins a numeric feature alike for the reference and the window, showing the shift', async () => {
    const res = await distribution('age');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ feature: 'age', kind: 'numeric', referenceRows: 400, currentRows: 300 });
    const bins = res.body.bins as { from: number; to: number; reference: number; current: number }[];
    expect(bins).toHaveLength(20);
    expect(bins.reduce((s, b) => s + b.reference, 0)).toBeCloseTo(1, 10);
    expect(bins.reduce((s, b) => s + b.current, 0)).toBeCloseTo(1, 10);
    // Reference mean ≈ 40, window mean ≈ 60 (ages drawn as 40 + 10·(z + 2)); binning blurs by half a bin.
    const refMean = mean(
      bins,
      bins.map((b) => b.reference),
    );
    const curMean = mean(
      bins,
      bins.map((b) => b.current),
    );
    expect(refMean).toBeGreaterThan(36);
    expect(refMean).toBeLessThan(44);
    expect(curMean - refMean).toBeGreaterThan(16);
  });

  it('counts a categorical feature and the prediction by category', async () => {
    const plan = await distribution('plan');
    expect(plan.body).toMatchObject({ kind: 'categorical', referenceRows: 400, currentRows: 300 });
    expect(plan.body.bins.map((b: { label: string }) => b.label).sort()).toEqual(['basic', 'pro', 'team']);
    const prediction = await distribution('churned');
    expect(prediction.body.bins).toEqual([{ label: 'yes', from: null, to: null, reference: 0, current: 1 }]);
  });

  it('answers 404 for a feature the monitor does not have and 400 naming a bad one', async () => {
    const missing = await distribution('constructor');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain("feature 'constructor'");
    const bad = await distribution('bad%20name');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('feature');
    expect((await app.request('GET', `/v1/monitors/00000000-0000-4000-8000-000000000000/distributions/age`)).status).toBe(404);
  });
});
