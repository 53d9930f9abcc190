import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing: HMAC-SHA256 with the subscription's secret (its UTF-8 bytes) over
 * `<webhook-id>.<webhook-timestamp>.<raw body>`, sent as `v1,<base64>`. Signing the id and time
 * with the body stops a captured delivery from being replayed under another id or much later.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** What a receiver does: recompute and compare in constant time; reject stale timestamps. */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body));
  // The header may carry several space-separated signatures (during secret rotation).
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
