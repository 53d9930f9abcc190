import { createPrismaClient } from '@modelyard/db';
import { QueueService } from '@modelyard/platform';
import { fuzzRoutes, type TestApp } from '@modelyard/platform/testing';
import { QueueName } from '@modelyard/types';
import { ChecksProcessor, schedulerId } from '../checks/checks.processor.js';
import { checkStep } from '../checks/checks.service.js';
import { ReportsRepository } from '../checks/reports.repository.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { createMonitor, monitorBody, records, startDrift } from './harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

describe('monitors', () => {
  it('creates, reads, lists, updates, pauses, resumes and deletes a monitor', async () => {
    const created = await app.request('POST', '/v1/monitors', {
      body: monitorBody('crud', { retrain: { pipelineId: '0b8f8a2e-4c1d-4a5e-9a77-1a2b3c4d5e6f', minSeverity: 'high' } }),
      as: 'editor',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      name: 'crud',
      model: 'churn',
      status: 'active',
      window: { size: 500 },
      alerting: { minSeverity: 'medium', cooldownSeconds: 3600, webhookUrl: null },
      retrain: { pipelineId: '0b8f8a2e-4c1d-4a5e-9a77-1a2b3c4d5e6f', minSeverity: 'high', cooldownSeconds: 3600 },
      reference: { rows: 0, version: 0 },
      recordsIngested: 0,
    });
    expect(created.body.features[0]).toEqual({ name: 'age', kind: 'numeric', test: 'auto' });
    // Defaults when no rules are given: success rate < 95 %, latency p95 > 100 ms.
    expect(
      created.body.alertRules.map(
        (r: { signal: string; condition: string; threshold: number }) => `${r.signal}${r.condition}${r.threshold}`,
      ),
    ).toEqual(['success_rate<0.95', 'latency_p95_ms>100']);
    expect((await app.request('POST', '/v1/monitors', { body: monitorBody('crud') })).status).toBe(409);

    expect((await app.request('GET', `/v1/monitors/${id}`, { as: 'viewer' })).body.name).toBe('crud');
    const list = await app.request('GET', '/v1/monitors?model=churn', { as: 'viewer' });
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(id);

    const patched = await app.request('PATCH', `/v1/monitors/${id}`, { body: { window: { size: 2000 }, schedule: { everySeconds: 60 } } });
    expect(patched.body).toMatchObject({ window: { size: 2000 }, schedule: { everySeconds: 60 } });

    expect((await app.request('POST', `/v1/monitors/${id}/pause`)).body.status).toBe('paused');
    const paused = await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(1, 3) } });
    expect(paused.status).toBe(409);
    expect((await app.request('POST', `/v1/monitors/${id}/resume`)).body.status).toBe('active');

    expect((await app.request('DELETE', `/v1/monitors/${id}`, { as: 'editor' })).status).toBe(403);
    expect((await app.request('DELETE', `/v1/monitors/${id}`)).status).toBe(204);
    expect((await app.request('GET', `/v1/monitors/${id}`)).status).toBe(404);
  });

  it('removes the schedule of a monitor whose row is gone at its next scheduled run', async () => {
    const { id } = await createMonitor(app, 'half-deleted');
    const schedulers = async () => (await app.app.get(QueueService).queue(QueueName.driftChecks).getJobSchedulers()).map((j) => j.key);
    expect(await schedulers()).toContain(schedulerId(id));
    // A delete that removed the row but not the scheduler (Redis failed in between).
    const prisma = createPrismaClient(app.databaseUrl);
    await prisma.driftMonitor.delete({ where: { id } }).finally(() => prisma.$disconnect());
    const outcome = await app.app.get(ChecksProcessor).handle({ monitorId: id, trigger: 'schedule' });
    expect(outcome).toEqual({ status: 'skipped', reason: 'monitor deleted' });
    expect(await schedulers()).not.toContain(schedulerId(id));
  });

  it('deletes the reference, reports and alerts with the monitor (the database cascades)', async () => {
    const { id } = await createMonitor(app, 'cascade', { alertRules: [] });
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500) } });
    await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(2, 500, 1.5) } });
    expect((await app.request('POST', `/v1/monitors/${id}/check`)).body.severity).toBe('critical');
    const prisma = createPrismaClient(app.databaseUrl);
    try {
      const where = { monitorId: id };
      const owned = () =>
        Promise.all([prisma.driftReference.count({ where }), prisma.driftReport.count({ where }), prisma.driftAlert.count({ where })]);
      expect(await owned()).toEqual([3, 1, 1]);
      expect((await app.request('DELETE', `/v1/monitors/${id}`)).status).toBe(204);
      expect(await owned()).toEqual([0, 0, 0]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('writes no report for a check whose monitor was deleted while it ran', async () => {
    const { id } = await createMonitor(app, 'deleted-mid-check');
    const monitor = await app.app.get(MonitorsRepository).get(id);
    expect((await app.request('DELETE', `/v1/monitors/${id}`)).status).toBe(204);
    const body = {
      features: [],
      prediction: null,
      performance: null,
      signals: {
        records: 1,
        meanConfidence: null,
        confidenceZ: null,
        successRate: null,
        errorRate: null,
        errorRateZ: null,
        meanLatencyMs: null,
        latencyMeanZ: null,
        latencyP95Ms: null,
        latencyP95Z: null,
      },
      quality: [],
      rules: [],
      severity: 'critical' as const,
      driftedShare: 1,
      recommendations: [],
    };
    const report = { monitor, trigger: 'manual' as const, windowSeq: 1, labelSeq: 0, windowRecords: 1, body, durationMs: 1 };
    expect(await app.app.get(ReportsRepository).saveWith(report, checkStep(monitor, body))).toEqual({ status: 'gone' });
  });

  it('refuses bad monitor definitions, naming the field', async () => {
    const res = await app.request('POST', '/v1/monitors', {
      body: monitorBody('bad', {
        features: [
          { name: 'plan', kind: 'categorical', test: 'ks' },
          { name: 'plan', kind: 'categorical' },
        ],
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['features.0.test', 'features.1.name']);
    const noWindow = await app.request('POST', '/v1/monitors', { body: { ...monitorBody('bad2'), window: { size: 0 } } });
    expect(noWindow.status).toBe(400);
    expect(noWindow.body.errors[0].field).toBe('window.size');
    // PSI needs no numbers: a categorical column's categories are its bins.
    const psi = await app.request('POST', '/v1/monitors', {
      body: monitorBody('cat-psi', { features: [{ name: 'plan', kind: 'categorical', test: 'psi' }] }),
    });
    expect(psi.status).toBe(201);
    expect(psi.body.features[0]).toMatchObject({ name: 'plan', kind: 'categorical', test: 'psi' });
  });

  it('requires a credential on every route but health and metrics', async () => {
    const { id } = await createMonitor(app, 'auth');
    for (const [method, path] of [
      ['GET', '/v1/monitors'],
      ['POST', '/v1/monitors'],
      ['GET', `/v1/monitors/${id}`],
      ['POST', `/v1/monitors/${id}/records`],
      ['GET', `/v1/monitors/${id}/records`],
      ['POST', `/v1/monitors/${id}/reference`],
      ['POST', `/v1/monitors/${id}/check`],
      ['GET', `/v1/monitors/${id}/reports`],
      ['GET', '/v1/alerts'],
      ['GET', '/v1/dashboard/churn'],
    ] as const) {
      expect([method, path, (await app.request(method, path, { as: null, body: method === 'POST' ? {} : undefined })).status]).toEqual([
        method,
        path,
        401,
      ]);
    }
    expect((await app.request('GET', '/health/live', { as: null })).status).toBe(200);
    expect((await app.request('GET', '/metrics', { as: null })).status).toBe(200);
    expect((await app.request('POST', `/v1/monitors/${id}/records`, { as: 'viewer', body: { records: records(1, 1) } })).status).toBe(403);
  });
});

describe('no request produces a 5xx', () => {
  it('survives random bodies, queries and path values on every route', async () => {
    const { id } = await createMonitor(app, 'fuzz');
    await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(3, 50) } });
    const { sent, failures } = await fuzzRoutes(app, {
      seed: 20261123,
      known: { id, model: 'churn' },
      bodyKeys: [
        'name',
        'model',
        'features',
        'records',
        'columns',
        'window',
        'schedule',
        'alerting',
        'retrain',
        'alertRules',
        'append',
        'age',
        'x',
      ],
      queryKeys: ['limit', 'cursor', 'status', 'model', 'monitorId'],
    });
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 180_000); // the hostile cases on every route are a few thousand requests
});
