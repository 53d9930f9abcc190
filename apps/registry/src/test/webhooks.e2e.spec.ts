import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { WebhookEvent } from '@modelyard/types';
import { buildRegistry } from '../config.js';
import { bytes, eventually, upload } from './artifact-helpers.js';
import { createModel, createVersion, promote, stagedVersion, uniqueName } from './factories.js';
import { startReceiver, type Received } from './webhook-receiver.js';

// Fast retries and polling so "down for a while" fits in a test; production defaults are in config.schema.ts.
// The receivers listen on 127.0.0.1, which the outbound-URL policy refuses unless the operator allows it.
const ENV = {
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_MAX_ATTEMPTS: '12',
  OUTBOX_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
};
const SECRET = 'whsec_a-secret-that-is-long-enough';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry, ENV);
});
afterAll(() => t.close());

// Every receiver is stopped after its test, failed or not, so no listening socket outlives it.
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
const newReceiver = async () => {
  const r = await startReceiver();
  receivers.push(r);
  return r;
};
afterEach(() => Promise.all(receivers.splice(0).map((r) => r.down())));

async function subscribe(app: TestApp, url: string, events: readonly string[] = WebhookEvent.options) {
  const res = await app.request('POST', '/v1/webhooks', { body: { url, events, secret: SECRET } });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${res.text}`);
  return res.body.id as string;
}
const deliveries = async (app: TestApp, id: string) => (await app.request('GET', `/v1/webhooks/${id}/deliveries?limit=200`)).body.items;
const forModel = (received: Received[], model: string) => received.filter((r) => r.json.data.model === model);

describe('webhook subscriptions', () => {
  it('are admin-only, validated field by field, and never show the secret again', async () => {
    const body = { url: 'http://127.0.0.1:9/x', events: ['model.created'] };
    expect((await t.request('POST', '/v1/webhooks', { body, as: 'editor' })).status).toBe(403);
    expect((await t.request('GET', '/v1/webhooks', { as: 'editor' })).status).toBe(403);
    const bad = await t.request('POST', '/v1/webhooks', { body: { url: 'ftp://x', events: ['model.exploded'], secret: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['events.0', 'secret', 'url']);

    const created = await t.request('POST', '/v1/webhooks', { body });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[\w-]{43}$/);
    const listed = await t.request('GET', '/v1/webhooks');
    const mine = listed.body.items.find((w: { id: string }) => w.id === created.body.id);
    expect(mine).toMatchObject({ url: body.url, events: body.events });
    expect(mine.secret).toBeUndefined();
    expect((await t.request('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await t.request('GET', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await t.request('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
  });
});

describe('delivery', () => {
  it('gets every event to a receiver that was down for a while, signed, once it comes back', async () => {
    const receiver = await newReceiver();
    const id = await subscribe(t, receiver.url);
    // The receiver is down: connections are refused while the changes happen.
    const m = await createModel(t);
    const v1 = await stagedVersion(t, m);
    const v2 = await createVersion(t, m);
    await upload(t, m, v2, 'model.bin', bytes(1000));
    await t.request('POST', `/v1/models/${m}/versions/${v2}/transitions`, { body: { to: 'staging' } });
    await promote(t, m, v1);
    await promote(t, m, v2);
    await t.request('POST', `/v1/models/${m}/rollback`, { body: {} });
    await t.request('PUT', `/v1/models/${m}/aliases/champion`, { body: { version: v1 } });
    await t.request('DELETE', `/v1/models/${m}/aliases/champion`);

    await eventually(async () => (await deliveries(t, id)).some((d: { attempts: number }) => d.attempts >= 2), 10_000, 'failed attempts');
    const failing = (await deliveries(t, id)).find((d: { attempts: number }) => d.attempts >= 2);
    expect(failing).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(failing.lastError).toMatch(/network error/);

    await receiver.up();
    const expected = [
      'model.created',
      'version.created',
      'version.stage_changed',
      'version.created',
      'artifact.uploaded',
      'version.stage_changed',
      'version.promoted',
      'version.promoted',
      'version.rolled_back',
      'alias.set',
      'alias.deleted',
    ];
    await eventually(async () => forModel(receiver.received, m).length >= expected.length, 20_000, 'every event');
    const got = forModel(receiver.received, m);
    expect(got.map((r) => r.json.type).sort()).toEqual([...expected].sort());
    expect(got.every((r) => receiver.signedWith(r, SECRET))).toBe(true);
    expect(got.some((r) => receiver.signedWith(r, `${SECRET}-other`))).toBe(false);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(expected.length);
    const promoted = got.find((r) => r.json.type === 'version.promoted' && r.json.data.subject === `${m}@${v2}`)!;
    expect(promoted.json.data).toMatchObject({
      model: m,
      actor: 'test-admin',
      after: { production: { version: v2, stage: 'production' } },
    });
    expect(promoted.headers['webhook-event']).toBe('version.promoted');

    await eventually(
      async () => (await deliveries(t, id)).every((d: { status: string }) => d.status === 'succeeded'),
      5_000,
      'the log to settle',
    );
    const log = await deliveries(t, id);
    expect(log).toHaveLength(expected.length);
    expect(log.every((d: { lastStatusCode: number; deliveredAt: string | null }) => d.lastStatusCode === 200 && d.deliveredAt)).toBe(true);
  });

  it('stops retrying a 4xx answer, and redelivers on request', async () => {
    const receiver = await newReceiver();
    await receiver.up();
    receiver.answer(410);
    const id = await subscribe(t, receiver.url, ['model.created']);
    const m = await createModel(t);
    await eventually(async () => (await deliveries(t, id)).some((d: { status: string }) => d.status === 'failed'), 10_000, 'the failure');
    const [failed] = await deliveries(t, id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410, event: 'model.created' });

    receiver.answer(200);
    const again = await t.request('POST', `/v1/webhooks/${id}/deliveries/${failed.id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ redeliveryOf: failed.id, eventId: failed.eventId, status: 'pending' });
    await eventually(async () => forModel(receiver.received, m).length === 1, 10_000, 'the redelivery');
    expect(forModel(receiver.received, m)[0]!.json.id).toBe(failed.eventId);
    expect((await t.request('GET', `/v1/webhooks/${id}/deliveries?status=succeeded`)).body.items).toHaveLength(1);
  });

  it('retries 5xx answers with back-off until one succeeds', async () => {
    const receiver = await newReceiver();
    await receiver.up();
    receiver.answer(503);
    const id = await subscribe(t, receiver.url, ['model.created']);
    await createModel(t);
    await eventually(async () => (await deliveries(t, id))[0]?.attempts >= 2, 10_000, 'two failed attempts');
    receiver.answer(200);
    await eventually(async () => (await deliveries(t, id))[0]?.status === 'succeeded', 10_000, 'success');
    const [d] = await deliveries(t, id);
    expect(d.attempts).toBeGreaterThanOrEqual(3);
    expect(d.lastStatusCode).toBe(200);
  });

  it("tells reviewers' tools of each approval decision, with the member, the comment and the standing", async () => {
    const receiver = await newReceiver();
    await receiver.up();
    await subscribe(t, receiver.url, ['version.approved', 'version.rejected']);
    const m = await createModel(t, undefined, { requiredApprovals: 2 });
    const v = await stagedVersion(t, m);
    const decide = (sub: string, decision: string, comment: string) =>
      t.request('POST', `/v1/models/${m}/versions/${v}/approvals`, {
        body: { decision, comment },
        as: { bearer: tokenFor('editor', sub) },
      });
    expect((await decide('ana', 'approve', 'offline metrics fine')).status).toBe(200);
    expect((await decide('ben', 'reject', 'latency too high')).status).toBe(200);
    await eventually(async () => forModel(receiver.received, m).length >= 2, 10_000, 'both decisions');
    const got = forModel(receiver.received, m).sort((a, b) => String(a.json.data.actor).localeCompare(String(b.json.data.actor)));
    expect(got.map((r) => [r.json.type, r.json.data.actor, r.json.data.reason])).toEqual([
      ['version.approved', 'ana', 'offline metrics fine'],
      ['version.rejected', 'ben', 'latency too high'],
    ]);
    expect(got[1]!.json.data).toMatchObject({
      subject: `${m}@${v}`,
      after: { decision: 'reject', approvals: { approved: 1, rejected: 1 } },
    });
  });

  it('sends a webhook.test event to one subscription only', async () => {
    const receiver = await newReceiver();
    await receiver.up();
    const id = await subscribe(t, receiver.url, ['alias.set']);
    const other = await subscribe(t, receiver.url, ['alias.set']);
    const res = await t.request('POST', `/v1/webhooks/${id}/test`);
    expect(res.status).toBe(202);
    await eventually(async () => receiver.received.some((r) => r.json.type === 'webhook.test'), 10_000, 'the test event');
    const tests = receiver.received.filter((r) => r.json.type === 'webhook.test');
    expect(tests).toHaveLength(1);
    expect(tests[0]!.json.data).toMatchObject({ subscriptionId: id, requestedBy: 'test-admin' });
    expect(receiver.signedWith(tests[0]!, SECRET)).toBe(true);
    expect(await deliveries(t, other)).toEqual([]);
    expect((await t.request('POST', '/v1/webhooks/00000000-0000-4000-8000-000000000000/test')).status).toBe(404);
  });
});

describe('restarts', () => {
  it('lose nothing: events written while no worker runs, or waiting for a retry, arrive after a restart', async () => {
    const receiver = await newReceiver();
    // First process: workers on, receiver down, so the delivery is queued and failing when it stops.
    const first = await startTestApp(buildRegistry, ENV);
    const state = { databaseUrl: first.databaseUrl, redisPrefix: first.redisPrefix };
    let open: TestApp | null = first;
    try {
      const id = await subscribe(first, receiver.url, ['model.created']);
      const queued = await createModel(first, uniqueName('queued'));
      await eventually(async () => (await deliveries(first, id))[0]?.attempts >= 1, 10_000, 'a failed attempt');
      await first.app.close();
      open = null;

      // Second process: API only (no dispatcher, no workers); its change stays in the outbox.
      open = await startTestApp(buildRegistry, { ...ENV, RUN_WORKERS: '0' }, state);
      const outboxed = await createModel(open, uniqueName('outboxed'));
      await new Promise((r) => setTimeout(r, 300));
      expect(await deliveries(open, id)).toHaveLength(1);
      await open.app.close();
      open = null;

      // Third process, a worker-only deployment, receiver back: both events arrive.
      await receiver.up();
      open = await startTestApp(buildRegistry, { ...ENV, WORKER_ONLY: '1' }, state);
      expect((await open.request('GET', '/v1/models')).status).toBe(404);
      await eventually(async () => receiver.received.length >= 2, 20_000, 'both events');
      expect(receiver.received.map((r) => r.json.data.model).sort()).toEqual([outboxed, queued].sort());
      expect(receiver.received.every((r) => receiver.signedWith(r, SECRET))).toBe(true);
    } finally {
      // The last process drops the shared database and Redis keys.
      await (open ?? (await startTestApp(buildRegistry, { ...ENV, RUN_WORKERS: '0' }, state))).close();
    }
  });
});
