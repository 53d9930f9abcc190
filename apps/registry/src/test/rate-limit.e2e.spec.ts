import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '30' });
});
afterAll(() => t.close());

describe('rate limiting', () => {
  it('allows RATE_LIMIT_MAX requests per credential per window, then answers 429 with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.request('GET', '/v1/models', { as: 'viewer' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await t.request('GET', '/v1/models', { as: 'viewer' });
    expect(limited.body.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // Another credential has its own budget; probes are never limited.
    expect((await t.request('GET', '/v1/models', { as: 'editor' })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await t.request('GET', '/health/live', { as: null })).status).toBe(200);
  });
});
