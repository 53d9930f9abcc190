import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep } from './retry.js';

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates (RFC 9110 §10.2.3)', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0); // in the past: no wait
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('back-off', () => {
  it('draws uniformly below min(cap, base * 2^attempt) (full jitter)', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, options, () => 0.999)).toBe(99);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
    expect(backoffDelay(10, options, () => 0.999)).toBe(999); // capped
    expect(backoffDelay(2, options, () => 0)).toBe(0);
  });

  it('sleeps, and stops sleeping when the signal aborts', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
