import { randomUUID } from 'node:crypto';
import type { TestApp } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const HOUR_MS = 3_600_000;
const ingest = (id: string, body: unknown) => app.request('POST', `/v1/monitors/${id}/records`, { body });
const requestWindowCheck = (id: string, window: unknown) =>
  app.request('POST', `/v1/monitors/${id}/check/window`, { body: { window }, as: 'editor' });

/**
 * A time-window check as clients run it: queued (202 with its id), then polled until the worker
 * is done. Answers the poll that found it done (its `body` is the result), or the refused request.
 */
async function checkWindow(id: string, window: unknown) {
  const queued = await requestWindowCheck(id, window);
  if (queued.status !== 202) return queued;
  expect(queued.body).toMatchObject({ monitorId: id, window, status: 'queued', result: null, error: null });
  for (let attempt = 0; attempt < 600; attempt++) {
    const polled = await app.request('GET', `/v1/monitors/${id}/check/window/${queued.body.checkId}`);
    expect(polled.status).toBe(200);
    if (polled.body.status === 'done') return { ...polled, body: polled.body.result };
    expect(['queued', 'running']).toContain(polled.body.status);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the window check did not finish');
}

/** `n` records whose `ts` are spread evenly over the last `hours` hours (oldest first), age shifted by `shift` sd. */
function spread(seed: number, n: number, hours: number, shift = 0, now = Date.now()) {
  return records(seed, n, shift).map((r, i) => ({
    ...r,
    ts: new Date(now - hours * HOUR_MS + ((i + 0.5) * hours * HOUR_MS) / n).toISOString(),
  }));
}

interface Feature {
  name: string;
  test: string;
  drifted: boolean;
  method: string;
  bound: number;
  values: number;
  statistic: number;
}

async function monitorWithReference(name: string, features?: unknown[]) {
  const { id } = await createMonitor(app, name, features ? { features } : {});
  const ref = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 2000) } });
  expect(ref.status).toBe(200);
  return id;
}

describe('time-window checks beyond the raw cap (hourly sketches)', () => {
  it('checks a 7-day window of 8,400 records (window cap 500) from sketches: the shifted feature is flagged, the others not', async () => {
    const features = [
      { name: 'age', kind: 'numeric', test: 'ks' },
      { name: 'income', kind: 'numeric', test: 'ks' },
      { name: 'plan', kind: 'categorical' },
    ];
    const id = await monitorWithReference('seven-days', features);
    const now = Date.now();
    // 7 days of records, ingested in 6 batches whose ts cover every hour of the week; age moved by 0.5 sd.
    const all = spread(2, 8400, 7 * 24 - 1, 0.5, now);
    for (let b = 0; b < 6; b++) expect((await ingest(id, { records: all.filter((_, i) => i % 6 === b) })).status).toBe(200);

    const res = await checkWindow(id, { lastDays: 7 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ records: 8400, method: 'sketch' });
    const byName = new Map((res.body.features as Feature[]).map((f) => [f.name, f]));
    expect(byName.get('age')).toMatchObject({ test: 'ks', drifted: true, method: 'sketch', values: 8400 });
    expect(byName.get('age')!.statistic).toBeGreaterThan(0.15);
    expect(byName.get('age')!.bound).toBeCloseTo(0.003, 12); // exact reference, one sketched side
    expect(byName.get('income')).toMatchObject({ test: 'ks', drifted: false, method: 'sketch' });
    // Categorical features are tested on merged category counts: exact.
    expect(byName.get('plan')).toMatchObject({ test: 'js', drifted: false, method: 'exact', bound: 0 });
    expect(res.body.driftedShare).toBeCloseTo(1 / 3, 12);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(7 * 24 * HOUR_MS);

    // The last 24 hours alone: 1/7 of the records (hours are whole buckets).
    const day = await checkWindow(id, { lastHours: 24 });
    expect(day.body.records).toBe(all.filter((r) => Date.parse(r.ts) >= Math.floor(now / HOUR_MS - 23) * HOUR_MS).length);

    // The first check made the days' roll-ups; the next one reads them and finds the same statistics.
    const again = await checkWindow(id, { lastDays: 7 });
    expect((again.body.features as Feature[]).map((f) => f.statistic)).toEqual((res.body.features as Feature[]).map((f) => f.statistic));
    // A late record three days back makes the roll-ups over its hour stale: the next check counts it.
    const late = { ...records(9, 1)[0]!, ts: new Date(now - 3 * 24 * HOUR_MS).toISOString() };
    expect((await ingest(id, { records: [late] })).status).toBe(200);
    const after = await checkWindow(id, { lastDays: 7 });
    expect(after.body.records).toBe(8401);
    expect(new Map((after.body.features as Feature[]).map((f) => [f.name, f.values])).get('age')).toBe(8401);
  });

  it('runs the exact tests when the time window fits the hot window', async () => {
    const id = await monitorWithReference('fits');
    await ingest(id, { records: spread(3, 300, 2) });
    const res = await checkWindow(id, { lastHours: 3 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ records: 300, method: 'exact' });
    for (const f of res.body.features as Feature[]) expect(f).toMatchObject({ method: 'exact', bound: 0, drifted: false });
  });

  it('never loses or double-counts a batch while concurrent batches compact the same hour', async () => {
    const id = await monitorWithReference('compaction');
    const batches = Array.from({ length: 48 }, (_, b) => records(100 + b, 25).map((r) => ({ ...r, ts: new Date().toISOString() })));
    for (let at = 0; at < batches.length; at += 8)
      await Promise.all(batches.slice(at, at + 8).map(async (batch) => expect((await ingest(id, { records: batch })).status).toBe(200)));
    const res = await checkWindow(id, { lastHours: 2 });
    expect(res.body.records).toBe(48 * 25);
    for (const f of res.body.features as Feature[]) expect(f.values).toBe(48 * 25);
  });

  it('refuses a bad window with a 400 naming the field, and an empty one with a 409', async () => {
    const id = await monitorWithReference('bad-window');
    const tooLong = await requestWindowCheck(id, { lastDays: 30 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(tooLong.body)).toContain('window');
    expect((await requestWindowCheck(id, { lastHours: 2, lastDays: 1 })).status).toBe(400);
    const empty = await requestWindowCheck(id, { lastHours: 1 });
    expect(empty.status).toBe(409);
    expect(empty.body.detail).toContain('no records');
    expect((await app.request('POST', `/v1/monitors/${id}/check/window`, { body: { window: { lastHours: 1 } }, as: null })).status).toBe(
      401,
    );
    // A poll names a check of this monitor: another id, or another monitor's check, is a 404.
    const unknown = await app.request('GET', `/v1/monitors/${id}/check/window/${randomUUID()}`);
    expect(unknown.status).toBe(404);
  });

  it('sets the reference from a past time range and flags the shifted feature against it, and nothing else', async () => {
    const { id } = await createMonitor(app, 'from-range', {
      features: [
        { name: 'age', kind: 'numeric', test: 'ks' },
        { name: 'income', kind: 'numeric', test: 'ks' },
        { name: 'plan', kind: 'categorical' },
      ],
    });
    const now = Date.now();
    const dayAgo = (d: number) => now - d * 24 * HOUR_MS;
    // Six days ago: the baseline; the last day: age moved by 0.5 sd.
    const baseline = spread(5, 3000, 24, 0, dayAgo(5));
    const recent = spread(6, 3000, 20, 0.5, now);
    expect((await ingest(id, { records: baseline })).status).toBe(200);
    expect((await ingest(id, { records: recent })).status).toBe(200);

    const range = { from: new Date(dayAgo(6)).toISOString(), to: new Date(dayAgo(5)).toISOString() };
    const set = await app.request('POST', `/v1/monitors/${id}/reference/from-range`, { body: range, as: 'editor' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ rows: 3000, version: 1 });
    expect(set.body.columns).toEqual(['age', 'income', 'plan']);

    const res = await checkWindow(id, { lastHours: 24 });
    expect(res.body).toMatchObject({ records: 3000, method: 'sketch' });
    const drifted = (res.body.features as Feature[]).filter((f) => f.drifted).map((f) => f.name);
    expect(drifted).toEqual(['age']);
    // The stored reference feeds the ordinary check of the hot window too.
    const exact = await app.request('POST', `/v1/monitors/${id}/check`, { as: 'editor' });
    expect(exact.status).toBe(200);
    expect((exact.body.features as Feature[]).filter((f) => f.drifted).map((f) => f.name)).toEqual(['age']);
    expect(exact.body.referenceRows).toBe(3000);
  });

  it('refuses a reversed range, one past the retention (400 naming the field) and one without records (409)', async () => {
    const { id } = await createMonitor(app, 'bad-range');
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const post = (body: unknown) => app.request('POST', `/v1/monitors/${id}/reference/from-range`, { body, as: 'editor' });
    const reversed = await post({ from: at(HOUR_MS), to: at(2 * HOUR_MS) });
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toContain('"to"');
    const old = await post({ from: at(30 * 24 * HOUR_MS), to: at(29 * 24 * HOUR_MS) });
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.body)).toContain('"from"');
    expect((await post({ from: 'yesterday', to: at(0) })).status).toBe(400);
    const empty = await post({ from: at(3 * 24 * HOUR_MS), to: at(2 * 24 * HOUR_MS) });
    expect(empty.status).toBe(409);
    expect(empty.body.detail).toContain('no records');
  });
});
