import { metricValue, type TestApp, testRedis } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';

// Labels that arrive after their records: ids in the ingest answer, the join by id within the
// horizon (idempotent, replacing, counting the unmatched), and reports that see the joined labels.
let app: TestApp;
let id: string;
const categorical = { prediction: { name: 'churned', kind: 'categorical' }, label: { name: 'churned', kind: 'categorical' } };

beforeAll(async () => {
  app = await startDrift();
  ({ id } = await createMonitor(app, 'late-labels', categorical));
  const reference = records(7, 200).map((r, i) => ({ ...r, prediction: i % 2 ? 'yes' : 'no' }));
  const ref = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: reference } });
  expect(ref.status).toBe(200);
});
afterAll(() => app.close());

const labels = (monitor: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request('POST', `/v1/monitors/${monitor}/labels`, { body, headers, as: 'editor' });
const check = async (monitor = id) => {
  const res = await app.request('POST', `/v1/monitors/${monitor}/check`);
  expect(res.status).toBe(200);
  return res.body;
};

describe('record ids', () => {
  it("answers every record's id in order: the client's, or a generated one", async () => {
    const batch = records(1, 4).map((r, i) => (i % 2 ? r : { ...r, id: `given-${i}` }));
    const res = await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: batch } });
    expect(res.status).toBe(200);
    const ids = res.body.ids as string[];
    expect(ids[0]).toBe('given-0');
    expect(ids[2]).toBe('given-2');
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[3]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[3]);
    const recent = await app.request('GET', `/v1/monitors/${id}/records?limit=4`);
    expect(recent.body.items.map((r: { id: string }) => r.id)).toEqual([...ids].reverse());
  });
});

describe('labels sent later', () => {
  // 100 records r0..r99 predicting yes/no; their labels come in several calls afterwards.
  const predictions = Array.from({ length: 100 }, (_, i) => (i % 2 ? 'yes' : 'no'));
  let windowRecords: number;

  beforeAll(async () => {
    const batch = records(2, 100).map((r, i) => ({ ...r, id: `r${i}`, prediction: predictions[i] }));
    const res = await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: batch } });
    expect(res.status).toBe(200);
    windowRecords = res.body.recordsIngested as number;
  });

  it('joins them to the report: accuracy, labelled share and label delay change with late labels', async () => {
    const before = await check();
    expect(before.performance).toMatchObject({ labelled: 0, accuracy: null, labelledShare: 0 });
    expect(before.labelSeq).toBe(0);

    // r0..r49: the first 40 labelled as predicted, the next 10 the other way.
    const first = Array.from({ length: 50 }, (_, i) => ({
      id: `r${i}`,
      label: i < 40 ? predictions[i]! : predictions[i] === 'yes' ? 'no' : 'yes',
    }));
    const res = await labels(id, { labels: first });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 50, matched: 50, replaced: 0, unchanged: 0, unmatched: 0 });

    const after = await check();
    expect(after.id).not.toBe(before.id);
    expect(after.labelSeq).toBe(1);
    expect(after.performance.labelled).toBe(50);
    expect(after.performance.accuracy).toBeCloseTo(40 / 50, 12);
    expect(after.performance.labelledShare).toBeCloseTo(50 / windowRecords, 12);
    expect(after.performance.labelDelayP50Ms).toBeGreaterThanOrEqual(0);
    expect(after.performance.labelDelayP95Ms).toBeLessThan(60_000);
  });

  it('counts a repeated label once, replaces a changed one, and counts labels matching no record', async () => {
    const repeat = await labels(id, {
      labels: [
        { id: 'r0', label: predictions[0]! },
        { id: 'r1', label: predictions[1]! },
      ],
    });
    expect(repeat.body).toEqual({ received: 2, matched: 0, replaced: 0, unchanged: 2, unmatched: 0 });
    // Nothing changed: the window with these labels has its report already.
    const same = await check();
    expect(same.labelSeq).toBe(1);
    expect(same.performance.accuracy).toBeCloseTo(0.8, 12);

    // r40..r49 corrected; one unknown id; one id given twice in the call (the second replaces the first).
    const fix = Array.from({ length: 10 }, (_, i) => ({ id: `r${40 + i}`, label: predictions[40 + i]! }));
    const res = await labels(id, {
      labels: [...fix, { id: 'nobody', label: 'yes' }, { id: 'r50', label: 'maybe' }, { id: 'r50', label: predictions[50]! }],
    });
    expect(res.body).toEqual({ received: 13, matched: 1, replaced: 11, unchanged: 0, unmatched: 1 });
    const fixed = await check();
    expect(fixed.labelSeq).toBe(2);
    expect(fixed.performance.labelled).toBe(51);
    expect(fixed.performance.accuracy).toBe(1);
    expect(await metricValue(app, 'ml_drift_labels_total', { outcome: 'unmatched' })).toBe(1);
    expect(await metricValue(app, 'ml_drift_labels_total', { outcome: 'replaced' })).toBe(11);
  });

  it('replays a retried call with the same Idempotency-Key', async () => {
    const body = { labels: [{ id: 'r60', label: 'yes' }] };
    const a = await labels(id, body, { 'idempotency-key': 'labels-1' });
    const b = await labels(id, body, { 'idempotency-key': 'labels-1' });
    expect(a.body).toEqual({ received: 1, matched: 1, replaced: 0, unchanged: 0, unmatched: 0 });
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body).toEqual(a.body);
  });

  it('does not join a label to a record ingested before the horizon', async () => {
    const redis = testRedis();
    try {
      // As if r70 had been ingested 8 days ago (the default horizon is 7 days).
      await redis.zadd(`${app.redisPrefix}:{mon:${id}}:ids`, Date.now() - 8 * 86_400_000, 'r70');
    } finally {
      await redis.quit();
    }
    const res = await labels(id, {
      labels: [
        { id: 'r70', label: 'yes' },
        { id: 'r71', label: 'yes' },
      ],
    });
    expect(res.body).toEqual({ received: 2, matched: 1, replaced: 0, unchanged: 0, unmatched: 1 });
  });
});

describe('numeric labels', () => {
  it('moves MAE and RMSE with late labels', async () => {
    const { id: reg } = await createMonitor(app, 'late-regression', {
      prediction: { name: 'spend', kind: 'numeric' },
      label: { name: 'spend', kind: 'numeric' },
      labelHorizonSeconds: 3600,
    });
    expect((await app.request('GET', `/v1/monitors/${reg}`)).body.labelHorizonSeconds).toBe(3600);
    const ref = records(3, 100).map((r, i) => ({ ...r, prediction: i }));
    await app.request('POST', `/v1/monitors/${reg}/reference`, { body: { records: ref } });
    const batch = records(4, 20).map((r, i) => ({ ...r, id: `n${i}`, prediction: 10 }));
    await app.request('POST', `/v1/monitors/${reg}/records`, { body: { records: batch } });
    // Errors 2 and 4 on two records: MAE 3, RMSE √10.
    const res = await labels(reg, {
      labels: [
        { id: 'n0', label: 12 },
        { id: 'n1', label: 6 },
      ],
    });
    expect(res.body.matched).toBe(2);
    const report = await check(reg);
    expect(report.performance.labelled).toBe(2);
    expect(report.performance.mae).toBeCloseTo(3, 12);
    expect(report.performance.rmse).toBeCloseTo(Math.sqrt(10), 12);
    expect(report.performance.labelledShare).toBeCloseTo(0.1, 12);
  });
});

describe('bad labels', () => {
  it('refuses a label of the wrong kind, a missing id or too many labels, naming the field, and joins none', async () => {
    const { id: reg } = await createMonitor(app, 'bad-labels', {
      prediction: { name: 'spend', kind: 'numeric' },
      label: { name: 'spend', kind: 'numeric' },
    });
    await app.request('POST', `/v1/monitors/${reg}/records`, { body: { records: records(5, 2).map((r, i) => ({ ...r, id: `b${i}` })) } });
    const wrong = await labels(reg, {
      labels: [
        { id: 'b0', label: 1 },
        { id: 'b1', label: 'high' },
      ],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual(['labels.1.label']);
    // Nothing of the refused batch was joined: b0 is new now.
    expect((await labels(reg, { labels: [{ id: 'b0', label: 1 }] })).body.matched).toBe(1);

    const noId = await labels(reg, { labels: [{ label: 1 }] });
    expect(noId.status).toBe(400);
    expect(noId.body.errors[0].field).toBe('labels.0.id');
    const tooMany = await labels(reg, { labels: Array.from({ length: 10_001 }, (_, i) => ({ id: `x${i}`, label: 1 })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('labels');
  });

  it('refuses labels for a monitor without a label column, and needs write access', async () => {
    const { id: plain } = await createMonitor(app, 'no-label-column');
    const res = await labels(plain, { labels: [{ id: 'a', label: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('labels');
    const viewer = await app.request('POST', `/v1/monitors/${plain}/labels`, { body: { labels: [{ id: 'a', label: 1 }] }, as: 'viewer' });
    expect(viewer.status).toBe(403);
  });
});
