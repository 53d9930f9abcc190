import type { TestApp } from '@modelyard/platform/testing';
import { createMonitor, monitorBody, startDrift } from './harness.js';

// No WEBHOOK_ALLOW_PRIVATE_NETWORKS: the default an installation gets.
let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const alerting = (webhookUrl: string) => ({ alerting: { webhookUrl, minSeverity: 'medium', cooldownSeconds: 60 } });

describe('a monitor alert webhook URL passes the outbound-URL policy', () => {
  const refused = [
    'http://127.0.0.1:8080/hook',
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
    'http://192.168.0.10/',
    'http://[fe80::1]/',
  ];
  it.each(refused)('refuses %s on create with a 400 naming alerting.webhookUrl', async (url) => {
    const res = await app.request('POST', '/v1/monitors', { body: monitorBody(`ssrf-${Math.random()}`, alerting(url)), as: 'editor' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'alerting.webhookUrl', message: expect.stringMatching(/address|loopback name/) }),
    ]);
  });

  it('refuses the same on update, and keeps a public receiver with its credentials hidden', async () => {
    const { id } = await createMonitor(app, 'ssrf-update', alerting('https://bot:t0ken@hooks.example.com/drift'));
    for (const url of ['http://127.1/', 'http://0x7f000001/']) {
      const res = await app.request('PATCH', `/v1/monitors/${id}`, { body: alerting(url), as: 'editor' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'alerting.webhookUrl' })]);
    }
    const read = await app.request('GET', `/v1/monitors/${id}`);
    expect(read.body.alerting.webhookUrl).toBe('https://hooks.example.com/…');
    const changed = await app.request('PATCH', `/v1/monitors/${id}`, { body: alerting('https://bot:t0ken@hooks.example.com/other') });
    expect(changed.status).toBe(200);
    expect(changed.body.alerting.webhookUrl).toBe('https://***:***@hooks.example.com/other');
  });
});
