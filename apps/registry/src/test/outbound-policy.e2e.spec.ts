import { OutboundUrlPolicy } from '@modelyard/platform';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { eventually } from './artifact-helpers.js';
import { createModel } from './factories.js';
import { startReceiver } from './webhook-receiver.js';

// No WEBHOOK_ALLOW_PRIVATE_NETWORKS: the default an installation gets.
const ENV = { WEBHOOK_RETRY_BASE_MS: '100', OUTBOX_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' };
const SECRET = 'whsec_a-secret-that-is-long-enough';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry, ENV);
});
afterAll(() => t.close());

const subscribe = (url: string) => t.request('POST', '/v1/webhooks', { body: { url, events: ['model.created'], secret: SECRET } });

describe('outbound-URL policy on admin webhooks', () => {
  const refused = [
    'http://127.0.0.1:9/hook',
    'http://localhost/',
    'http://localhost./',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.8/',
    'http://100.64.1.1/',
    'http://[fd00::1]/',
  ];
  it.each(refused)('refuses %s with a 400 naming url', async (url) => {
    const res = await subscribe(url);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'url', message: expect.stringMatching(/address|loopback name/) })]);
  });

  it('accepts a public receiver and never shows the credentials of its URL', async () => {
    const res = await subscribe('https://ops:hunter2@hooks.example.com/modelyard');
    expect(res.status).toBe(201);
    expect(res.body.url).toBe('https://***:***@hooks.example.com/modelyard');
    const read = await t.request('GET', `/v1/webhooks/${res.body.id}`);
    expect(read.text).not.toContain('hunter2');
    await t.request('DELETE', `/v1/webhooks/${res.body.id}`);
  });

  it('refuses at delivery time a host name that resolves to a private address, without connecting', async () => {
    const receiver = await startReceiver();
    await receiver.up();
    try {
      // The name passes the set-time check; the resolver (as a rebinding DNS would) answers loopback.
      t.app.get(OutboundUrlPolicy).useResolver(async () => [{ address: '127.0.0.1', family: 4 }]);
      const port = new URL(receiver.url).port;
      const created = await subscribe(`http://rebind.example.test:${port}/hooks`);
      expect(created.status).toBe(201);
      await createModel(t);
      const deliveries = async () => (await t.request('GET', `/v1/webhooks/${created.body.id}/deliveries`)).body.items;
      await eventually(async () => (await deliveries())[0]?.status === 'failed', 10_000, 'the refused delivery');
      const [delivery] = await deliveries();
      // Refused once and for all: retrying the same URL would be refused again.
      expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
      expect(delivery.lastError).toMatch(/rebind\.example\.test refused: 127\.0\.0\.1 is a loopback address/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.down();
    }
  });
});
