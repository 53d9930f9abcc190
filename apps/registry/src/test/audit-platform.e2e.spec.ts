import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';

// What the platform package owns (API keys, webhook subscriptions, maintenance) is audited in
// platform_audit_events, read here through the registry's merged log.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' });
});
afterAll(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const entries = async (query: string): Promise<any[]> => {
  const res = await t.request('GET', `/v1/audit?service=platform&${query}`, { as: 'viewer' });
  expect(res.status).toBe(200);
  return res.body.items;
};

describe('platform changes are audited', () => {
  it('records API key creation and revocation, never the secret', async () => {
    const created = await t.request('POST', '/v1/api-keys', { body: { name: 'ci', roles: ['editor'] } });
    expect(created.status).toBe(201);
    const target = `api_key:${created.body.id}`;
    const [made] = await entries(`target=${target}`);
    expect(made).toMatchObject({ service: 'platform', action: 'api_key.created', actor: 'test-admin', target, before: null });
    expect(made.after).toMatchObject({ id: created.body.id, name: 'ci', roles: ['editor'], revokedAt: null });
    expect(JSON.stringify(made)).not.toContain(created.body.key);
    expect(made.requestId).toEqual(expect.any(String));

    expect((await t.request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect((await t.request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200); // already revoked: no change
    const log = await entries(`target=${target}`);
    expect(log.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
    expect(log[0].before.revokedAt).toBeNull();
    expect(log[0].after.revokedAt).toEqual(expect.any(String));
  });

  it('records webhook subscriptions created and deleted, never the secret', async () => {
    const secret = 'whsec_a-secret-that-is-long-enough';
    const created = await t.request('POST', '/v1/webhooks', {
      body: { url: 'http://127.0.0.1:9/hook', events: ['model.created'], secret },
    });
    expect(created.status).toBe(201);
    expect((await t.request('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
    const log = await entries(`target=webhook:${created.body.id}`);
    expect(log.map((e) => [e.action, e.actor])).toEqual([
      ['webhook.deleted', 'test-admin'],
      ['webhook.created', 'test-admin'],
    ]);
    expect(log[0].before).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['model.created'] });
    expect(log[0].after).toBeNull();
    expect(log[1].after).toMatchObject({ id: created.body.id });
    expect(JSON.stringify(log)).not.toContain(secret);
  });

  it('records maintenance switched on and off, with its message as the reason', async () => {
    expect((await t.request('PUT', '/v1/admin/maintenance', { body: { enabled: true, message: 'db upgrade' } })).status).toBe(200);
    expect((await t.request('PUT', '/v1/admin/maintenance', { body: { enabled: false } })).status).toBe(200);
    const log = await entries('action=maintenance.');
    expect(log.map((e) => [e.action, e.target, e.reason])).toEqual([
      ['maintenance.disabled', 'maintenance', null],
      ['maintenance.enabled', 'maintenance', 'db upgrade'],
    ]);
    expect(log[1].before).toEqual({ enabled: false, message: null, source: null });
    expect(log[1].after).toEqual({ enabled: true, message: 'db upgrade', source: 'api' });
    expect(log[0].after).toEqual({ enabled: false, message: null, source: null });
  });

  it('records nothing for a refused change', async () => {
    const before = (await entries('')).length;
    expect((await t.request('POST', '/v1/api-keys', { body: { name: 'x', roles: ['editor'] }, as: 'editor' })).status).toBe(403);
    expect((await t.request('POST', '/v1/api-keys', { body: { name: '', roles: [] } })).status).toBe(400);
    expect((await entries('')).length).toBe(before);
  });
});
