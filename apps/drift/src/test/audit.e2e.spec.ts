import { auditEntries, type TestApp } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const log = (target: string) => auditEntries(app.databaseUrl, 'drift', target);

describe('drift changes are audited in drift_audit_events', () => {
  it('records a monitor created, updated, paused, resumed and deleted, with before and after', async () => {
    const res = await app.request('POST', '/v1/monitors', {
      body: {
        name: 'audited',
        model: 'churn',
        features: [{ name: 'age', kind: 'numeric' }],
        window: { size: 100 },
        schedule: { everySeconds: 3600 },
      },
      as: 'editor',
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect((await app.request('PATCH', `/v1/monitors/${id}`, { body: { window: { size: 200 } }, as: 'editor' })).status).toBe(200);
    expect((await app.request('POST', `/v1/monitors/${id}/pause`, { as: 'editor' })).status).toBe(200);
    expect((await app.request('POST', `/v1/monitors/${id}/pause`, { as: 'editor' })).status).toBe(200); // no change: not recorded
    expect((await app.request('POST', `/v1/monitors/${id}/resume`, { as: 'editor' })).status).toBe(200);
    expect((await app.request('DELETE', `/v1/monitors/${id}`, { as: 'editor' })).status).toBe(403); // refused: not recorded
    expect((await app.request('DELETE', `/v1/monitors/${id}`)).status).toBe(204);

    const entries = await log(`monitor:${id}`);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['monitor.created', 'test-editor'],
      ['monitor.updated', 'test-editor'],
      ['monitor.paused', 'test-editor'],
      ['monitor.resumed', 'test-editor'],
      ['monitor.deleted', 'test-admin'],
    ]);
    expect(entries.every((e) => e.modelName === 'churn' && e.requestId)).toBe(true);
    const [created, updated, paused, , deleted] = entries;
    expect(created!.before).toBeNull();
    expect(created!.after).toMatchObject({ id, name: 'audited', window: { size: 100 }, status: 'active' });
    expect([updated!.before.window.size, updated!.after.window.size]).toEqual([100, 200]);
    expect([paused!.before.status, paused!.after.status]).toEqual(['active', 'paused']);
    expect(deleted!.before).toMatchObject({ id, window: { size: 200 } });
    expect(deleted!.after).toBeNull();
  });

  it('records references set and appended, and an alert acknowledged', async () => {
    const { id } = await createMonitor(app, 'referenced', { alerting: { minSeverity: 'medium', cooldownSeconds: 3600 }, alertRules: [] });
    expect((await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 300) }, as: 'editor' })).status).toBe(
      200,
    );
    const appended = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(2, 100), append: true } });
    expect(appended.status).toBe(200);
    const refs = (await log(`monitor:${id}`)).filter((e) => e.action.startsWith('reference.'));
    expect(refs.map((e) => [e.action, e.actor])).toEqual([
      ['reference.set', 'test-editor'],
      ['reference.appended', 'test-admin'],
    ]);
    expect(refs[0]!.before).toEqual({ rows: 0, version: 0 });
    expect(refs[0]!.after).toMatchObject({ rows: 300, version: 1, source: 'upload', append: false });
    expect(refs[1]!.before).toEqual({ rows: 300, version: 1 });
    expect(refs[1]!.after).toMatchObject({ rows: 400, version: 2, append: true });

    await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(3, 500, 1.5) } });
    expect((await app.request('POST', `/v1/monitors/${id}/check`)).body.severity).toBe('critical');
    const [alert] = (await app.request('GET', `/v1/alerts?monitorId=${id}`, { as: 'viewer' })).body.items;
    expect((await app.request('POST', `/v1/alerts/${alert.id}/acknowledge`, { as: 'editor' })).status).toBe(200);
    expect((await app.request('POST', `/v1/alerts/${alert.id}/acknowledge`)).status).toBe(200); // kept the first: not recorded
    const acks = await log(`alert:${alert.id}`);
    expect(acks.map((e) => [e.action, e.actor])).toEqual([['alert.acknowledged', 'test-editor']]);
    expect(acks[0]!.before).toMatchObject({ status: 'active', acknowledgedBy: null });
    expect(acks[0]!.after).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'test-editor' });
  });
});
