import { classificationMetrics, logLoss, regressionMetrics, rocAuc } from '@modelyard/stats';
import { prng, type TestApp } from '@modelyard/platform/testing';
import { createMonitor, normals, records, startDrift } from './harness.js';

// Performance on the labelled part of a window when labels arrive later: records predicted 2 days
// and 1 hour ago, their labels sent now in shuffled calls, some repeated, some changed, some for
// ids never ingested. The report must give exactly what an offline computation on the final
// labels gives.
let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Deterministic shuffle. */
function shuffle<T>(list: T[], seed: number): T[] {
  const rand = prng(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const labels = (id: string, list: { id: string; label: string | number }[]) =>
  app.request('POST', `/v1/monitors/${id}/labels`, { body: { labels: list }, as: 'editor' });

/** 200 records: the first 100 predicted two days ago, the rest an hour ago. */
const tsOf = (i: number, now: number) => new Date(now - (i < 100 ? 2 * DAY : HOUR)).toISOString();

/** Sends `final` (id → label) late: shuffled, in three calls, with repeats, earlier wrong labels and strays. */
async function sendLate(id: string, final: Map<string, string | number>, wrong: (label: string | number) => string | number) {
  const ids = shuffle([...final.keys()], 99);
  // First call: a third of the labels, some of them wrong (replaced later), and two unknown ids.
  const first = ids.slice(0, 60).map((r, k) => ({ id: r, label: k % 10 === 0 ? wrong(final.get(r)!) : final.get(r)! }));
  const a = await labels(id, [
    ...first,
    { id: 'never-seen-1', label: wrong(final.get(ids[0]!)!) },
    { id: 'never-seen-2', label: final.get(ids[1]!)! },
  ]);
  expect(a.body).toMatchObject({ received: 62, matched: 60, unmatched: 2 });
  // Second call: the rest, in another order.
  const b = await labels(
    id,
    shuffle(ids.slice(60), 7).map((r) => ({ id: r, label: final.get(r)! })),
  );
  expect(b.body).toMatchObject({ matched: ids.length - 60, replaced: 0 });
  // Third call: the first third again, right this time: the wrong ones are replaced, the others unchanged.
  const c = await labels(
    id,
    ids.slice(0, 60).map((r) => ({ id: r, label: final.get(r)! })),
  );
  expect(c.body).toEqual({ received: 60, matched: 0, replaced: 6, unchanged: 54, unmatched: 0 });
}

describe('a binary classifier whose labels arrive 1 hour and 2 days later', () => {
  it('reports accuracy, precision, recall, F1, ROC AUC and log loss exactly as computed offline', async () => {
    const monitor = {
      prediction: { name: 'churned', kind: 'categorical' },
      label: { name: 'churned', kind: 'categorical', positive: '1' },
    };
    const { id } = await createMonitor(app, 'late-classifier', monitor);
    expect((await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(30, 300) } })).status).toBe(200);

    const rand = prng(31);
    const now = Date.now();
    const batch = records(32, 200).map((r, i) => {
      const confidence = 0.5 + rand() * 0.5;
      return { ...r, id: `c${i}`, prediction: rand() < 0.4 ? '1' : '0', confidence, ts: tsOf(i, now) };
    });
    // The truth agrees with the prediction more often when the model is confident; 20 records never get a label.
    const final = new Map<string, string>();
    batch.forEach((r, i) => {
      if (i % 10 === 3) return;
      const right = rand() < r.confidence;
      final.set(r.id, right ? r.prediction : r.prediction === '1' ? '0' : '1');
    });
    expect((await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: batch } })).status).toBe(200);
    await sendLate(id, final, (l) => (l === '1' ? '0' : '1'));

    const report = (await app.request('POST', `/v1/monitors/${id}/check`)).body;
    const labelled = batch.filter((r) => final.has(r.id));
    const truth = labelled.map((r) => final.get(r.id)!);
    const predicted = labelled.map((r) => r.prediction);
    const offline = classificationMetrics(truth, predicted, '1');
    const y = Uint8Array.from(truth, (t) => (t === '1' ? 1 : 0));
    const p = Float64Array.from(labelled, (r) => (r.prediction === '1' ? r.confidence : 1 - r.confidence));
    expect(report.performance).toMatchObject({ labelled: 180, labelledShare: 0.9, positiveClass: '1' });
    expect(report.performance.accuracy).toBeCloseTo(offline.accuracy, 12);
    expect(report.performance.precision).toBeCloseTo(offline.precision, 12);
    expect(report.performance.recall).toBeCloseTo(offline.recall, 12);
    expect(report.performance.f1).toBeCloseTo(offline.f1, 12);
    expect(report.performance.rocAuc).toBeCloseTo(rocAuc(y, p)!, 12);
    expect(report.performance.logLoss).toBeCloseTo(logLoss(y, p), 12);
    // The model is better than chance here, so the metrics mean something.
    expect(report.performance.rocAuc).toBeGreaterThan(0.5);
    // Delays: half the labelled records waited 2 days, the other half an hour (give or take the test's run time).
    expect(report.performance.labelDelayP95Ms).toBeGreaterThan(2 * DAY - 60_000);
    expect(report.performance.labelDelayP95Ms).toBeLessThan(2 * DAY + 120_000);
    expect(report.performance.labelDelayP50Ms).toBeGreaterThan(HOUR - 60_000);
  });
});

describe('a regression whose labels arrive later', () => {
  it('reports MAE and RMSE exactly as computed offline', async () => {
    const monitor = { prediction: { name: 'spend', kind: 'numeric' }, label: { name: 'spend', kind: 'numeric' } };
    const { id } = await createMonitor(app, 'late-regression', monitor);
    expect((await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(40, 300) } })).status).toBe(200);
    const z = normals(41);
    const now = Date.now();
    const batch = records(42, 200).map((r, i) => ({ ...r, id: `g${i}`, prediction: 100 + 10 * z(), ts: tsOf(i, now) }));
    const final = new Map<string, number>();
    batch.forEach((r, i) => {
      if (i % 7 !== 0) final.set(r.id, r.prediction + 5 * z() + 1);
    });
    expect((await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: batch } })).status).toBe(200);
    await sendLate(id, final, (l) => Number(l) + 50);

    const report = (await app.request('POST', `/v1/monitors/${id}/check`)).body;
    const labelled = batch.filter((r) => final.has(r.id));
    const offline = regressionMetrics(
      Float64Array.from(labelled, (r) => final.get(r.id)!),
      Float64Array.from(labelled, (r) => r.prediction),
    );
    expect(report.performance.labelled).toBe(labelled.length);
    expect(report.performance.mae).toBeCloseTo(offline.mae, 12);
    expect(report.performance.rmse).toBeCloseTo(offline.rmse, 12);
    expect(report.performance).toMatchObject({ accuracy: null, precision: null, rocAuc: null, positiveClass: null });
  });
});
