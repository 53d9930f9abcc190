import { prng, type TestApp } from '@modelyard/platform/testing';
import { normals, startDrift } from './harness.js';

// Performance estimated without labels (CBPE) for a binary classifier that sends its confidence:
// calibrated on the reference's labelled records, compared with the realized metrics of windows
// whose labels came with the records.
let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * A calibrated model on one feature x ~ N(0, sd): P(y = 1 | x) = sigmoid(2x), the model's score is
 * exactly that, it predicts 1 when the score is ≥ 0.5 with confidence max(score, 1 − score), and
 * the label is drawn with that probability. Narrowing x (sd < 1) moves records to the boundary:
 * accuracy falls although the model is unchanged (covariate shift).
 */
function stream(seed: number, n: number, sd: number) {
  const z = normals(seed);
  const rand = prng(seed + 1);
  return Array.from({ length: n }, () => {
    const x = sd * z();
    const score = sigmoid(2 * x);
    const label = rand() < score ? '1' : '0';
    return { features: { x }, prediction: score >= 0.5 ? '1' : '0', confidence: Math.max(score, 1 - score), label };
  });
}

async function monitorWithReference(name: string) {
  const body = {
    name,
    model: 'cbpe',
    features: [{ name: 'x', kind: 'numeric' }],
    prediction: { name: 'y', kind: 'categorical' },
    label: { name: 'y', kind: 'categorical' },
    window: { size: 8000 },
    schedule: { everySeconds: 3600 },
    alertRules: [{ signal: 'estimated_accuracy_drop', condition: '>', threshold: 0.05, windowSeconds: 3600, severity: 'high' }],
  };
  const res = await app.request('POST', '/v1/monitors', { body });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  for (let k = 0; k < 2; k++) {
    const ref = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: stream(100 + k, 5000, 1), append: k > 0 } });
    expect(ref.status).toBe(200);
  }
  return id;
}

async function checkWith(id: string, records: ReturnType<typeof stream>) {
  for (let from = 0; from < records.length; from += 4000) {
    const res = await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records.slice(from, from + 4000) } });
    expect(res.status).toBe(200);
  }
  const report = await app.request('POST', `/v1/monitors/${id}/check`);
  expect(report.status).toBe(200);
  return report.body;
}

describe('CBPE on a calibrated binary classifier', () => {
  it('estimates accuracy within 1 point of the realized one when nothing shifted', async () => {
    const id = await monitorWithReference('no-shift');
    const report = await checkWith(id, stream(200, 8000, 1));
    const { estimated, accuracy, labelled } = report.performance;
    expect(labelled).toBe(8000);
    expect(estimated).toMatchObject({ method: 'cbpe-isotonic', records: 8000 });
    expect(Math.abs(estimated.accuracy - accuracy)).toBeLessThan(0.01);
    expect(estimated.accuracyInterval[0]).toBeLessThan(estimated.accuracy);
    expect(estimated.accuracyInterval[1]).toBeGreaterThan(estimated.accuracy);
    expect(Math.abs(estimated.f1 - report.performance.f1)).toBeLessThan(0.02);
    expect(Math.abs(estimated.rocAuc - report.performance.rocAuc)).toBeLessThan(0.02);
    expect(report.rules).toEqual([]);
  });

  it('follows a covariate shift that lowers accuracy within 2 points, and fires the estimated_accuracy_drop rule', async () => {
    const id = await monitorWithReference('shift');
    const report = await checkWith(id, stream(300, 8000, 0.35));
    const { estimated, accuracy } = report.performance;
    expect(estimated.referenceAccuracy - accuracy).toBeGreaterThan(0.1); // the shift did lower accuracy
    expect(Math.abs(estimated.accuracy - accuracy)).toBeLessThan(0.02);
    expect(report.rules).toEqual([
      expect.objectContaining({ signal: 'estimated_accuracy_drop', value: estimated.referenceAccuracy - estimated.accuracy }),
    ]);
  });
});
