import { QueueService } from '@modelyard/platform';
import type { TestApp } from '@modelyard/platform/testing';
import { QueueName } from '@modelyard/types';
import { createMonitor, records, startDrift } from './harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

async function monitorWithReference(name: string, extra: Record<string, unknown> = {}) {
  const { id } = await createMonitor(app, name, extra);
  const ref = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500) } });
  expect(ref.body.rows).toBe(500);
  return id;
}

const ingest = (id: string, body: unknown) => app.request('POST', `/v1/monitors/${id}/records`, { body });
const check = (id: string) => app.request('POST', `/v1/monitors/${id}/check`, { as: 'editor' });

describe('drift checks', () => {
  it('reports drift on the shifted feature only, with the test the automatic rule picks', async () => {
    const id = await monitorWithReference('shift');
    await ingest(id, { records: records(2, 500) });
    // Mid-way the age distribution moves by one standard deviation; the window keeps the last 500.
    await ingest(id, { records: records(3, 500, 1) });
    const res = await check(id);
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.features.map((f: { name: string }) => [f.name, f]));
    // Reference of 500 rows (<= 1000): KS for numeric features with many values, chi-square for 3 categories.
    expect(byName.age).toMatchObject({ test: 'ks', drifted: true, threshold: 0.05 });
    expect(byName.age.pValue).toBeLessThan(1e-10);
    expect(byName.age.statistic).toBeGreaterThan(0.3);
    expect(byName.income).toMatchObject({ test: 'ks', drifted: false });
    expect(byName.plan).toMatchObject({ test: 'chi2', drifted: false });
    expect(res.body.features.filter((f: { drifted: boolean }) => f.drifted).map((f: { name: string }) => f.name)).toEqual(['age']);
    // p far below α·10⁻⁴ → high; 1 of 3 features (≥ 25 %) raises it one level.
    expect(byName.age.severity).toBe('high');
    expect(res.body.severity).toBe('critical');
    expect(res.body.driftedShare).toBeCloseTo(1 / 3, 12);
    expect(res.body).toMatchObject({ windowSeq: 1000, windowRecords: 500, referenceRows: 500, trigger: 'manual' });
    expect(res.body.recommendations.join(' ')).toContain('age (ks)');

    const reports = await app.request('GET', `/v1/monitors/${id}/reports`, { as: 'viewer' });
    expect(reports.body.items.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
    expect((await app.request('GET', `/v1/monitors/${id}/reports/${res.body.id}`)).body.severity).toBe('critical');
  });

  it('reports no drift on an unshifted stream', async () => {
    const id = await monitorWithReference('steady');
    await ingest(id, { records: records(4, 500) });
    const res = await check(id);
    expect(res.body.features.map((f: { drifted: boolean }) => f.drifted)).toEqual([false, false, false]);
    expect(res.body.severity).toBe('none');
    expect(res.body.recommendations).toEqual(['No drift detected: no action needed.']);
  });

  it('checks one window once: a second check of the same window answers with the same report', async () => {
    const id = await monitorWithReference('once');
    await ingest(id, { records: records(5, 300) });
    const [a, b] = await Promise.all([check(id), check(id)]);
    expect(a.body.id).toBe(b.body.id);
    expect((await check(id)).body.id).toBe(a.body.id);
    await ingest(id, { records: records(6, 10) });
    const c = await check(id);
    expect(c.body.id).not.toBe(a.body.id);
    expect(c.body.windowSeq).toBe(310);
    expect((await app.request('GET', `/v1/monitors/${id}/reports`)).body.items).toHaveLength(2);
  });

  it('refuses a check without reference or records', async () => {
    const { id } = await createMonitor(app, 'empty');
    expect((await check(id)).status).toBe(409);
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 50) } });
    expect((await check(id)).status).toBe(409);
  });

  it('reports prediction drift, accuracy and the operational signals, and fires the default rules', async () => {
    const id = await monitorWithReference('ops', {
      prediction: { name: 'churned', kind: 'categorical' },
      label: { name: 'churned', kind: 'categorical' },
    });
    const ref = records(1, 400).map((r, i) => ({ ...r, prediction: i % 4 === 0 ? 'yes' : 'no', confidence: 0.8 + (i % 10) / 100 }));
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: ref } });
    // Now the model says "yes" half the time, is right 3 times in 4, with lower confidence, slower and failing more.
    const live = records(7, 400).map((r, i) => ({
      ...r,
      prediction: i % 2 === 0 ? 'yes' : 'no',
      label: i % 4 === 0 ? (i % 2 === 0 ? 'no' : 'yes') : i % 2 === 0 ? 'yes' : 'no',
      confidence: 0.7 + (i % 10) / 100,
      latencyMs: i % 10 === 0 ? 250 : 20,
      success: i % 10 !== 0,
    }));
    await ingest(id, { records: live });
    const res = await check(id);
    // Two categories in a small reference: the two-proportion Z test.
    expect(res.body.prediction).toMatchObject({ name: 'churned', test: 'z', drifted: true });
    expect(res.body.performance).toMatchObject({ labelled: 400, accuracy: 0.75, mae: null });
    expect(res.body.signals.successRate).toBeCloseTo(0.9, 12);
    expect(res.body.signals.errorRate).toBeCloseTo(0.1, 12);
    expect(res.body.signals.latencyP95Ms).toBe(250);
    expect(res.body.signals.meanConfidence).toBeCloseTo(0.745, 12);
    expect(res.body.signals.confidenceZ).toBeLessThan(-20);
    expect(res.body.rules.map((r: { signal: string }) => r.signal)).toEqual(['success_rate', 'latency_p95_ms']);
    expect(res.body.rules[0].message).toBe('ops: success rate 0.9 is below 0.95');
  });

  it('schedules a repeatable check per active monitor and removes it on pause and delete', async () => {
    const { id } = await createMonitor(app, 'scheduled');
    const queue = app.app.get(QueueService).queue(QueueName.driftChecks);
    const keys = async () => (await queue.getJobSchedulers()).map((s) => s.key);
    expect(await keys()).toContain(`drift-monitor-${id}`);
    await app.request('POST', `/v1/monitors/${id}/pause`);
    expect(await keys()).not.toContain(`drift-monitor-${id}`);
    await app.request('POST', `/v1/monitors/${id}/resume`);
    expect(await keys()).toContain(`drift-monitor-${id}`);
    await app.request('DELETE', `/v1/monitors/${id}`);
    expect(await keys()).not.toContain(`drift-monitor-${id}`);
  });

  it('runs scheduled checks on its own, one report per window', async () => {
    const id = await monitorWithReference('tick', { schedule: { everySeconds: 5 } });
    await ingest(id, { records: records(8, 200, 2) });
    let items: { windowSeq: number; trigger: string }[] = [];
    for (let i = 0; i < 80 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      items = (await app.request('GET', `/v1/monitors/${id}/reports`)).body.items;
    }
    expect(items[0]).toMatchObject({ windowSeq: 200, trigger: 'schedule' });
    // The next runs see the same window: no second report.
    await new Promise((r) => setTimeout(r, 6_000));
    expect((await app.request('GET', `/v1/monitors/${id}/reports`)).body.items).toHaveLength(1);
  }, 60_000);

  it('exports drift scores, ingested records and check durations', async () => {
    const text = (await app.request('GET', '/metrics', { as: null })).text;
    expect(text).toMatch(/ml_drift_score\{[^}]*monitor="churn\/shift"[^}]*feature="age"[^}]*test="ks"[^}]*\} [0-9.e-]+/);
    expect(Number(/^ml_drift_records_ingested_total\{[^}]*\} (\d+)/m.exec(text)?.[1])).toBe(2410); // every record this file ingested
    expect(Number(/^ml_drift_check_duration_seconds_count\{[^}]*\} (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(4);
  });
});
