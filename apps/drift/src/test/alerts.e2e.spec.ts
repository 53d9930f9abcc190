import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrismaClient } from '@modelyard/db';
import { QueueService, verifyWebhook } from '@modelyard/platform';
import type { TestApp } from '@modelyard/platform/testing';
import { QueueName, type RetrainJob } from '@modelyard/types';
import { createMonitor, records, startDrift } from './harness.js';

let app: TestApp;
let receiver: Server;
const received: { url: string; headers: Record<string, string>; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  // The receiver listens on 127.0.0.1, which the outbound-URL policy refuses unless the operator allows it.
  app = await startDrift({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await new Promise((r) => receiver.close(r));
});

const PIPELINE = '5f0c2d1e-8a4b-4c3d-9e2f-7a6b5c4d3e2f';
const ingest = (id: string, body: unknown) => app.request('POST', `/v1/monitors/${id}/records`, { body });
const check = (id: string) => app.request('POST', `/v1/monitors/${id}/check`);

async function driftingMonitor(name: string, extra: Record<string, unknown>) {
  const monitor = await createMonitor(app, name, extra);
  await app.request('POST', `/v1/monitors/${monitor.id}/reference`, { body: { records: records(1, 500) } });
  await ingest(monitor.id, { records: records(2, 500, 1.5) });
  return monitor;
}

describe('alerts', () => {
  it('raises a drift alert once per cool-down, delivers it signed to the monitor webhook, lists and acknowledges it', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const { id, webhookSecret } = await driftingMonitor('alerting', {
      alerting: { webhookUrl: url, minSeverity: 'medium', cooldownSeconds: 3600 },
      alertRules: [],
    });
    expect(webhookSecret).toMatch(/^whsec_/);
    // Readers see only the receiver's origin: Slack-style URLs carry a token in their path.
    const read = await app.request('GET', `/v1/monitors/${id}`, { as: 'viewer' });
    expect(read.body.alerting.webhookUrl).toBe(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/…`);
    // An installation-wide subscriber to drift.alert (created through the registry's webhook routes in production).
    const prisma = createPrismaClient(app.databaseUrl);
    const subscriberSecret = 'whsec_subscriber-secret-0123456789';
    await prisma.webhookSubscription.create({
      data: { url: `${url}?subscriber`, events: ['drift.alert'], secret: subscriberSecret, createdBy: 'test' },
    });
    await prisma.$disconnect();
    const first = await check(id);
    expect(first.body.severity).toBe('critical');
    for (let k = 0; k < 3; k++) {
      await ingest(id, { records: records(30 + k, 20, 1.5) });
      expect((await check(id)).body.severity).not.toBe('none');
    }
    const alerts = (await app.request('GET', `/v1/alerts?monitorId=${id}`, { as: 'viewer' })).body.items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'drift',
      key: 'drift',
      severity: 'critical',
      status: 'active',
      reportId: first.body.id,
      model: 'churn',
    });
    expect(alerts[0].message).toContain('age');

    for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(2);
    const delivery = received.find((d) => !d.url.includes('subscriber'))!;
    const broadcast = received.find((d) => d.url.includes('subscriber'))!;
    expect(broadcast.headers['webhook-event']).toBe('drift.alert');
    expect(
      verifyWebhook(
        subscriberSecret,
        {
          id: broadcast.headers['webhook-id']!,
          timestamp: broadcast.headers['webhook-timestamp']!,
          signature: broadcast.headers['webhook-signature']!,
        },
        broadcast.body,
      ),
    ).toBe(true);
    expect(JSON.parse(broadcast.body).data.alertId).toBe(alerts[0].id);
    expect(delivery.headers['webhook-event']).toBe('drift.alert');
    expect(
      verifyWebhook(
        webhookSecret!,
        {
          id: delivery.headers['webhook-id']!,
          timestamp: delivery.headers['webhook-timestamp']!,
          signature: delivery.headers['webhook-signature']!,
        },
        delivery.body,
      ),
    ).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'drift.alert',
      data: { alertId: alerts[0].id, monitorId: id, severity: 'critical' },
    });

    const acked = await app.request('POST', `/v1/alerts/${alerts[0].id}/acknowledge`, { as: 'editor' });
    expect(acked.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'test-editor' });
    expect((await app.request('GET', `/v1/alerts?status=active&monitorId=${id}`)).body.items).toHaveLength(0);
    expect((await app.request('POST', '/v1/alerts/00000000-0000-4000-8000-000000000000/acknowledge')).status).toBe(404);
    const metrics = (await app.request('GET', '/metrics', { as: null })).text;
    expect(metrics).toMatch(/ml_drift_alerts_total\{[^}]*severity="critical"[^}]*\} 1/);
  });

  it('raises rule alerts on operational signals, de-duplicated per rule', async () => {
    const { id } = await createMonitor(app, 'ops-rules', {
      alerting: { minSeverity: 'low', cooldownSeconds: 3600 },
      alertRules: [{ signal: 'error_rate', condition: '>', threshold: 0.2, severity: 'high', message: '{monitor}: {signal} {value}' }],
    });
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 300) } });
    await ingest(id, { records: records(1, 300).map((r, i) => ({ ...r, success: i % 2 === 0 })) });
    const report = (await check(id)).body;
    expect(report.rules).toEqual([
      {
        signal: 'error_rate',
        feature: null,
        condition: '>',
        threshold: 0.2,
        value: 0.5,
        severity: 'high',
        message: 'ops-rules: error_rate 0.5',
      },
    ]);
    await ingest(id, { records: records(1, 10).map((r) => ({ ...r, success: false })) });
    await check(id);
    const alerts = (await app.request('GET', `/v1/alerts?monitorId=${id}`)).body.items;
    expect(alerts.map((a: { kind: string; key: string; severity: string }) => [a.kind, a.key, a.severity])).toEqual([
      ['rule', 'rule:error_rate>0.2', 'high'],
    ]);
  });

  it('judges operations against the reference period as z-scores, and alerts on them', async () => {
    const { id } = await createMonitor(app, 'ops-z', {
      model: 'ops-z-model',
      alerting: { minSeverity: 'low', cooldownSeconds: 3600 },
      alertRules: [
        { signal: 'error_rate_z', condition: '>', threshold: 3, severity: 'high', message: '{signal} {value}' },
        { signal: 'latency_p95_z', condition: '>', threshold: 3, severity: 'medium', message: '{signal} {value}' },
      ],
    });
    // Reference period: 2 % errors, latencies 10..109 ms; window: 20 % errors, the same latencies.
    const ops = (errorEvery: number) => (r: { features: object }, i: number) => ({
      ...r,
      latencyMs: 10 + (i % 100),
      success: i % errorEvery !== 0,
    });
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500).map(ops(50)) } });
    await ingest(id, { records: records(2, 200).map(ops(5)) });
    const report = (await check(id)).body;
    expect(report.signals.errorRate).toBeCloseTo(0.2, 12);
    // statsmodels proportions_ztest([40, 10], [200, 500]) → z = 8.353718656060629 (pooled).
    expect(report.signals.errorRateZ).toBeCloseTo(8.353718656060629, 9);
    expect(report.signals.latencyMeanZ).toBeCloseTo(0, 9);
    expect(report.rules.map((r: { signal: string }) => r.signal)).toEqual(['error_rate_z']);
  });

  it('a dashboard call shows health, totals, the hourly trend, active alerts and the latest verdicts', async () => {
    const res = await app.request('GET', '/v1/dashboard/churn', { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.health).toBe('unhealthy');
    expect(res.body.totals.records).toBe(500 + 60 + 300 + 10);
    expect(res.body.totals.recordsAllTime).toBe(500 + 60 + 300 + 10);
    expect(res.body.totals.successRate).toBeCloseTo(150 / 310, 12);
    expect(res.body.hourly).toHaveLength(24);
    // Summed: the file may straddle an hour boundary.
    expect(res.body.hourly.reduce((s: number, h: { records: number }) => s + h.records, 0)).toBe(870);
    expect(res.body.activeAlerts.map((a: { key: string }) => a.key)).toEqual(['rule:error_rate>0.2']);
    expect(res.body.monitors.map((m: { name: string; latest: { severity: string } }) => [m.name, m.latest.severity])).toEqual([
      ['alerting', 'critical'],
      ['ops-rules', 'none'],
    ]);
    expect((await app.request('GET', '/v1/dashboard/unknown-model')).status).toBe(404);
  });

  it('counts in its totals only the records of the last 24 hours, and the lifetime count beside them', async () => {
    const { id } = await createMonitor(app, 'day-totals', { model: 'day-totals-model' });
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    const batch = records(9, 30).map((r, i) => ({ ...r, ts: at(i < 10 ? 50 : 1), success: i % 3 !== 0 }));
    expect((await ingest(id, { records: batch })).status).toBe(200);
    const res = await app.request('GET', '/v1/dashboard/day-totals-model', { as: 'viewer' });
    expect(res.body.totals.records).toBe(20);
    expect(res.body.totals.recordsAllTime).toBe(30);
    // Successes among the 20 recent records: indexes 10..29 that are not multiples of 3 (6 of them are).
    expect(res.body.totals.successRate).toBeCloseTo(14 / 20, 12);
  });
});

describe('retraining trigger', () => {
  it('enqueues exactly one retrain job per cool-down however many drifted checks run', async () => {
    const { id } = await driftingMonitor('retrain', { retrain: { pipelineId: PIPELINE, minSeverity: 'medium', cooldownSeconds: 3600 } });
    const reports = [(await check(id)).body];
    for (let k = 0; k < 4; k++) {
      await ingest(id, { records: records(50 + k, 20, 1.5) });
      reports.push((await check(id)).body);
    }
    expect(new Set(reports.map((r) => r.id)).size).toBe(5);
    expect(reports.every((r) => r.severity === 'critical')).toBe(true);
    expect(reports.map((r) => r.retrainTriggered)).toEqual([true, false, false, false, false]);
    const queue = app.app.get(QueueService).queue(QueueName.retrain);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
    const mine = jobs.filter((j) => (j.data as RetrainJob).monitorId === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.name).toBe('retrain');
    expect(mine[0]!.data).toEqual({ pipelineId: PIPELINE, monitorId: id, reportId: reports[0]!.id });
  });

  it('with a cool-down of zero, triggers again at the next drifted window; not without a pipeline', async () => {
    const { id } = await driftingMonitor('retrain-often', { retrain: { pipelineId: PIPELINE, minSeverity: 'medium', cooldownSeconds: 0 } });
    expect((await check(id)).body.retrainTriggered).toBe(true);
    await ingest(id, { records: records(60, 20, 1.5) });
    expect((await check(id)).body.retrainTriggered).toBe(true);
    const { id: unlinked } = await driftingMonitor('no-pipeline', {});
    expect((await check(unlinked)).body.retrainTriggered).toBe(false);
  });
});
