import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDrift } from '@modelyard/drift/testing';
import { prng, startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import {
  ConflictError,
  IngestorFullError,
  Modelyard,
  NetworkError,
  NotFoundError,
  ValidationError,
  collect,
  type DriftRecordInput,
  type ModelyardError,
} from '../index.js';
import { runCli, startFaultProxy, type FaultProxy } from '../testing/index.js';

let drift: TestApp;
let my: Modelyard;

beforeAll(async () => {
  drift = await startTestApp(buildDrift);
  my = new Modelyard({ urls: { drift: drift.url }, token: tokenFor('admin'), validateResponses: true });
});
afterAll(() => drift.close());

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: ModelyardError) => err,
  );

/** Seeded records of the three-feature monitor; `shiftAge` moves age's mean by that many sds. */
function records(seed: number, n: number, shiftAge = 0): DriftRecordInput[] {
  const rand = prng(seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const plans = ['basic', 'pro', 'team'];
  return Array.from({ length: n }, (_, i) => ({
    features: { age: 40 + 10 * (z() + shiftAge), income: 50_000 + 8_000 * z(), plan: plans[(i * 7 + seed) % 3]! },
  }));
}

function monitor(name: string, model = 'churn') {
  return my.drift.monitors.create({
    name,
    model,
    features: [
      { name: 'age', kind: 'numeric' },
      { name: 'income', kind: 'numeric' },
      { name: 'plan', kind: 'categorical' },
    ],
    window: { size: 500 },
    schedule: { everySeconds: 3600 },
  });
}

/** A monitor whose reference is 500 unshifted records and whose window is 500 records with age shifted by 1 sd. */
async function driftedMonitor(name: string, model = 'churn') {
  const m = await monitor(name, model);
  await my.drift.reference.records(m.id, records(1, 500));
  await my.drift.records(m.id, records(2, 500, 1));
  return m;
}

describe('drift client: labels sent later', () => {
  it('joins labels to records by id and counts what matched', async () => {
    const m = await my.drift.monitors.create({
      name: 'sdk-labels',
      model: 'churn',
      features: [{ name: 'age', kind: 'numeric' }],
      prediction: { name: 'churned', kind: 'categorical' },
      label: { name: 'churned', kind: 'categorical' },
      window: { size: 100 },
      schedule: { everySeconds: 3600 },
    });
    const { ids } = await my.drift.records(m.id, [
      { features: { age: 30 }, prediction: 'yes' },
      { id: 'b', features: { age: 40 }, prediction: 'no' },
    ]);
    expect(ids[1]).toBe('b');
    const answer = await my.drift.labels(m.id, [
      { id: ids[0]!, label: 'yes' },
      { id: 'b', label: 'no' },
      { id: 'unknown', label: 'no' },
    ]);
    expect(answer).toEqual({ received: 3, matched: 2, replaced: 0, unchanged: 0, unmatched: 1 });
  });
});

describe('drift client: monitors', () => {
  it('creates (a repeated key answers with the same monitor), reads, lists with cursors, updates, pauses, resumes and deletes', async () => {
    const key = randomUUID();
    const created = await my.drift.monitors.create(
      {
        name: 'crud',
        model: 'fraud',
        features: [{ name: 'amount', kind: 'numeric' }],
        window: { size: 100 },
        schedule: { everySeconds: 600 },
      },
      { idempotencyKey: key },
    );
    const again = await my.drift.monitors.create(
      {
        name: 'crud',
        model: 'fraud',
        features: [{ name: 'amount', kind: 'numeric' }],
        window: { size: 100 },
        schedule: { everySeconds: 600 },
      },
      { idempotencyKey: key },
    );
    expect(again.id).toBe(created.id);
    expect(created).toMatchObject({
      status: 'active',
      model: 'fraud',
      version: null,
      reference: { rows: 0, version: 0 },
      recordsIngested: 0,
    });
    expect(created.features).toEqual([{ name: 'amount', kind: 'numeric', test: 'auto' }]);
    await my.drift.monitors.create({
      name: 'crud-2',
      model: 'fraud',
      features: [{ name: 'amount', kind: 'numeric' }],
      window: { size: 100 },
      schedule: { everySeconds: 600 },
    });

    const page = await my.drift.monitors.list({ model: 'fraud', limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const all = await collect(my.drift.monitors.all({ model: 'fraud', limit: 1 }));
    expect(all.map((m) => m.name).sort()).toEqual(['crud', 'crud-2']);

    const updated = await my.drift.monitors.update(created.id, { schedule: { everySeconds: 60 }, version: '2.0.0' });
    expect(updated).toMatchObject({ schedule: { everySeconds: 60 }, version: '2.0.0' });
    expect((await my.drift.monitors.get(created.id)).schedule.everySeconds).toBe(60);

    expect((await my.drift.monitors.pause(created.id)).status).toBe('paused');
    const refused = await caught(my.drift.records(created.id, [{ features: { amount: 1 } }]));
    expect(refused).toBeInstanceOf(ConflictError);
    expect((await my.drift.monitors.resume(created.id)).status).toBe('active');
    expect(await my.drift.records(created.id, [{ id: 'only', features: { amount: 1 } }])).toEqual({
      accepted: 1,
      recordsIngested: 1,
      ids: ['only'],
      invalidValues: 0,
    });

    await my.drift.monitors.delete(created.id);
    expect(await caught(my.drift.monitors.get(created.id))).toBeInstanceOf(NotFoundError);
  });

  it('sets the reference from records, from columns (appending) and from the window, bumping its version', async () => {
    const m = await monitor('reference');
    expect(await my.drift.reference.records(m.id, records(1, 200))).toMatchObject({ rows: 200, version: 1 });
    const columns = { age: [30, 40, 50], income: [1, 2, 3], plan: ['basic', 'pro', 'team'] };
    expect(await my.drift.reference.columns(m.id, columns, { append: true })).toMatchObject({ rows: 203, version: 2 });
    expect(await my.drift.reference.columns(m.id, columns)).toMatchObject({ rows: 3, version: 3 });
    await my.drift.records(m.id, records(3, 700));
    // The window keeps the last 500 records.
    expect(await my.drift.reference.fromWindow(m.id)).toMatchObject({ rows: 500, version: 4 });
    expect((await my.drift.monitors.get(m.id)).reference).toMatchObject({ rows: 500, version: 4 });
  });
});

describe('drift client: ingestion through the batching ingestor', () => {
  let proxy: FaultProxy;
  let through: Modelyard;
  beforeAll(async () => {
    proxy = await startFaultProxy(drift.url);
    through = new Modelyard({ urls: { drift: proxy.url }, token: tokenFor('admin'), retry: { baseDelayMs: 10 } });
  });
  afterAll(() => proxy.close());

  it('counts every record exactly once, even when answers of applied batches are lost and the batches are retried', async () => {
    const m = await monitor('ingested');
    const path = `/v1/monitors/${m.id}/records`;
    // Two batches reach the service and are stored, but their answers never reach the client.
    proxy.inject(
      ['drop-after', 'drop-after', { status: 503, headers: { 'retry-after': '0' } }],
      (method, p) => method === 'POST' && p === path,
    );
    const ingestor = through.drift.recordIngestor(m.id, { maxBatchSize: 250, flushIntervalMs: 50 });
    const sent = records(7, 1000).map((r, i) => ({ ...r, latencyMs: i }));
    for (const r of sent) await ingestor.add(r);
    await ingestor.close();

    expect(ingestor.stats).toMatchObject({ sent: 1000, dropped: 0, batches: 4 });
    const posts = proxy.log.filter((r) => r.path === path);
    expect(posts).toHaveLength(7);
    expect(new Set(posts.map((p) => p.idempotencyKey)).size).toBe(4);
    expect((await my.drift.monitors.get(m.id)).recordsIngested).toBe(1000);

    const recent = await my.drift.recentRecords(m.id, { limit: 3 });
    expect(recent.map((r) => r.latencyMs)).toEqual([999, 998, 997]);
    expect(recent[0]!.features).toEqual(sent[999]!.features);
  });

  it('loses nothing by default under a burst far larger than its queue: the service holds every record', async () => {
    const m = await monitor('burst-block');
    const ingestor = my.drift.recordIngestor(m.id, { maxBatchSize: 100, maxQueueSize: 200, flushIntervalMs: 20 });
    const burst = records(11, 3000);
    // Producers that do not wait for each other, as concurrent request handlers would: each add() waits for room.
    const accepted = await Promise.all(burst.map((r) => ingestor.add(r)));
    await ingestor.close();
    expect(accepted.every(Boolean)).toBe(true);
    expect(ingestor.stats).toMatchObject({ sent: 3000, dropped: 0, droppedFull: 0 });
    expect((await my.drift.monitors.get(m.id)).recordsIngested).toBe(3000);
  });

  it("with onFull: 'drop', drops what finds the queue full, and counts exactly what the service never got", async () => {
    const m = await monitor('burst-drop');
    const reports: unknown[] = [];
    const ingestor = my.drift.recordIngestor(m.id, {
      maxBatchSize: 100,
      maxQueueSize: 200,
      flushIntervalMs: 20,
      onFull: 'drop',
      onError: (err) => reports.push(err),
    });
    const burst = records(12, 3000);
    for (const r of burst) await ingestor.add(r);
    await ingestor.close();
    const received = (await my.drift.monitors.get(m.id)).recordsIngested;
    expect(ingestor.stats.dropped).toBeGreaterThan(0);
    expect(ingestor.stats.dropped).toBe(burst.length - received);
    expect(ingestor.stats.droppedFull).toBe(ingestor.stats.dropped);
    expect(ingestor.stats.sent).toBe(received);
    expect(reports[0]).toBeInstanceOf(IngestorFullError);
  });

  it('(control) the same lost answer without an Idempotency-Key: the resent batch counts twice', async () => {
    const m = await monitor('ingested-naive');
    proxy.inject(['drop-after'], (method, p) => method === 'POST' && p === `/v1/monitors/${m.id}/records`);
    const batch = records(8, 100);
    expect(await caught(through.drift.records(m.id, batch, { idempotencyKey: null }))).toBeInstanceOf(NetworkError);
    await through.drift.records(m.id, batch, { idempotencyKey: null });
    expect((await my.drift.monitors.get(m.id)).recordsIngested).toBe(200);
  });

  it('drops a refused batch whole (the service keeps none of it) and reports the validation error naming the field', async () => {
    const m = await monitor('ingested-refused');
    const errors: unknown[] = [];
    const ingestor = my.drift.recordIngestor(m.id, { maxBatchSize: 50, flushIntervalMs: 20, onError: (err) => errors.push(err) });
    const batch = records(9, 100);
    batch[60] = { features: { ...batch[60]!.features, colour: 'red' } };
    for (const r of batch) await ingestor.add(r);
    await ingestor.close();
    expect(ingestor.stats).toMatchObject({ sent: 50, dropped: 50 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect((errors[0] as ValidationError).errors.map((e) => e.field)).toEqual(['records.10.features.colour']);
    expect((await my.drift.monitors.get(m.id)).recordsIngested).toBe(50);
  });
});

describe('drift client: checks, reports, alerts, dashboard', () => {
  it('checks on demand and gets the report naming the drifted feature; the same window answers with the same report', async () => {
    const m = await driftedMonitor('checked');
    const report = await my.drift.check(m.id);
    expect(report.features.filter((f) => f.drifted).map((f) => f.name)).toEqual(['age']);
    const age = report.features.find((f) => f.name === 'age')!;
    expect(age).toMatchObject({ test: 'ks', drifted: true, severity: 'high' });
    expect(age.pValue).toBeLessThan(1e-10);
    expect(report).toMatchObject({
      monitorId: m.id,
      trigger: 'manual',
      severity: 'critical',
      windowSeq: 500,
      windowRecords: 500,
      referenceRows: 500,
    });
    expect((await my.drift.check(m.id)).id).toBe(report.id);
  });

  it('lists reports newest first following the cursor, and reads one', async () => {
    const m = await driftedMonitor('reported');
    const first = await my.drift.check(m.id);
    await my.drift.records(m.id, records(4, 500));
    const second = await my.drift.check(m.id);
    expect(second.features.every((f) => !f.drifted)).toBe(true);
    expect(second.severity).toBe('none');

    const page = await my.drift.reports.list(m.id, { limit: 1 });
    expect(page.items.map((r) => r.id)).toEqual([second.id]);
    expect(page.nextCursor).not.toBeNull();
    const all = await collect(my.drift.reports.all(m.id, { limit: 1 }));
    expect(all.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(await my.drift.reports.get(m.id, first.id)).toEqual(first);
  });

  it('lists the alert a drifted check raised, acknowledges it, and shows it on the dashboard', async () => {
    const m = await driftedMonitor('alerting', 'alerted-model');
    const report = await my.drift.check(m.id);
    const active = await my.drift.alerts.list({ monitorId: m.id, status: 'active' });
    expect(active.items).toHaveLength(1);
    expect(active.items[0]).toMatchObject({
      kind: 'drift',
      severity: 'critical',
      reportId: report.id,
      model: 'alerted-model',
      status: 'active',
    });

    const dashboard = await my.drift.dashboard('alerted-model');
    expect(dashboard).toMatchObject({ model: 'alerted-model', health: 'unhealthy', totals: { records: 500 } });
    expect(dashboard.activeAlerts.map((a) => a.id)).toEqual([active.items[0]!.id]);
    expect(dashboard.monitors).toEqual([
      { id: m.id, name: 'alerting', status: 'active', latest: expect.objectContaining({ reportId: report.id, severity: 'critical' }) },
    ]);

    const acked = await my.drift.alerts.acknowledge(active.items[0]!.id);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'test-admin' });
    expect((await my.drift.alerts.list({ monitorId: m.id, status: 'active' })).items).toEqual([]);
    expect((await collect(my.drift.alerts.all({ model: 'alerted-model', status: 'acknowledged' }))).map((a) => a.id)).toEqual([acked.id]);
  });
});

describe('drift client: typed errors', () => {
  it('maps 404 to NotFoundError, 400 to a ValidationError naming the field, 409 to ConflictError', async () => {
    const missing = await caught(my.drift.monitors.get(randomUUID()));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    expect(await caught(my.drift.check(randomUUID()))).toBeInstanceOf(NotFoundError);

    const m = await monitor('errors');
    const batch = records(5, 3);
    // An unknown feature refuses the batch (a value of the wrong type would be counted: onInvalid defaults to count).
    batch[1] = { features: { ...batch[1]!.features, colour: 'red' } };
    const invalid = await caught(my.drift.records(m.id, batch));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.status).toBe(400);
    expect(invalid.errors.map((e) => e.field)).toEqual(['records.1.features.colour']);
    expect(invalid.describe()).toContain('records.1.features.colour');
    expect((await my.drift.monitors.get(m.id)).recordsIngested).toBe(0);

    const badWindow = await caught(my.drift.monitors.update(m.id, { window: { size: 1 } }));
    expect(badWindow).toBeInstanceOf(ValidationError);
    expect(badWindow.errors.map((e) => e.field)).toEqual(['window.size']);

    // No reference yet: nothing to compare with.
    expect(await caught(my.drift.check(m.id))).toBeInstanceOf(ConflictError);
  });
});

describe('modelyard monitors (CLI)', () => {
  let home: string;
  let env: Record<string, string>;
  let id: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'cli-drift-'));
    env = { HOME: home, MODELYARD_DRIFT_URL: drift.url, MODELYARD_TOKEN: tokenFor('admin') };
    id = (await driftedMonitor('cli-monitor', 'cli-model')).id;
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('lists monitors as JSON for scripts and as a table for people', async () => {
    const json = await runCli(['monitors', 'list', '--model', 'cli-model', '--json'], env);
    expect(json.code).toBe(0);
    expect(json.json).toEqual([
      expect.objectContaining({
        id,
        name: 'cli-monitor',
        model: 'cli-model',
        recordsIngested: 500,
        reference: expect.objectContaining({ rows: 500 }),
      }),
    ]);
    const human = await runCli(['monitors', 'list', '--model', 'cli-model'], env);
    expect(human.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+MODEL\s+STATUS\s+FEATURES\s+REFERENCE\s+RECORDS\s+EVERY$/);
    expect(human.stdout).toMatch(new RegExp(`^${id}\\s+cli-monitor\\s+cli-model\\s+active\\s+3\\s+500\\s+500\\s+3600s$`, 'm'));
  });

  it("checks a monitor and prints the report's severity and per-feature table", async () => {
    const check = await runCli(['monitors', 'check', id], env);
    expect(check.code).toBe(0);
    const lines = check.stdout.split('\n');
    expect(lines[0]).toBe('severity: critical  (1/3 features drifted, 33.3%)');
    expect(lines[1]).toMatch(/^window: 500 records \(seq 500\)\s+reference: 500 rows \(v1\)\s+report [0-9a-f-]{36}$/);
    expect(lines[2]).toMatch(/^FEATURE\s+TEST\s+STATISTIC\s+P-VALUE\s+THRESHOLD\s+DRIFTED\s+SEVERITY$/);
    expect(check.stdout).toMatch(/^age\s+ks\s+0\.\d+\s+\S+\s+0\.05\s+yes\s+high$/m);
    expect(check.stdout).toMatch(/^income\s+ks\s+0\.\d+\s+\S+\s+0\.05\s+no\s+none$/m);
    expect(check.stdout).toMatch(/^plan\s+chi2\s+\S+\s+\S+\s+0\.05\s+no\s+none$/m);

    // The same window was checked: --json answers with the same report, and it is listed.
    const json = await runCli(['monitors', 'check', id, '--json'], env);
    expect(json.json).toMatchObject({ monitorId: id, severity: 'critical' });
    expect(lines[1]).toContain(json.json.id);
    const reports = await runCli(['monitors', 'reports', id, '--json'], env);
    expect(reports.json.map((r: { id: string }) => r.id)).toEqual([json.json.id]);
    const alerts = await runCli(['monitors', 'alerts', id], env);
    expect(alerts.stdout).toMatch(/^[0-9a-f-]{36}\s+\S+\s+critical\s+drift\s+active\s+/m);
  });

  it('fails with one line naming the problem and exit code 1 for an unknown monitor', async () => {
    const missing = await runCli(['monitors', 'check', randomUUID()], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^error: not_found 404: /);
  });
});
