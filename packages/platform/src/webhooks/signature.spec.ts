import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret-of-enough-length';
  const body = '{"id":"e1","type":"model.created"}';

  it('is HMAC-SHA256 over "id.timestamp.body", base64, with the v1 scheme', () => {
    const expected = createHmac('sha256', secret).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(signWebhook(secret, 'msg_1', 1700000000, body)).toBe(`v1,${expected}`);
  });

  it('verifies its own signature and rejects a changed body, id, secret or a stale timestamp', () => {
    const now = 1_700_000_000_000;
    const ts = now / 1000;
    const headers = { id: 'msg_1', timestamp: String(ts), signature: signWebhook(secret, 'msg_1', ts, body) };
    expect(verifyWebhook(secret, headers, body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, headers, `${body} `, 300, now)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: 'msg_2' }, body, 300, now)).toBe(false);
    expect(verifyWebhook(`${secret}x`, headers, body, 300, now)).toBe(false);
    expect(verifyWebhook(secret, headers, body, 300, now + 301_000)).toBe(false);
  });
});
