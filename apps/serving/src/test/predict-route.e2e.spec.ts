import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { tokenFor, type TestApp } from '@modelyard/platform/testing';
import { KIT_SCHEMA, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

// POST /v1/models/:name/predict is answered by a plain Fastify handler (PredictRoute), not Nest's
// pipeline: what the platform's guards, interceptors and hooks give every route must still hold.
let h: Harness;
let limited: TestApp;
const model = uniqueName('fast-route');
const path = `/v1/models/${model}/predict`;
beforeAll(async () => {
  h = await startHarness();
  const version = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
  await untilServing(h.serving, model, version);
  limited = await h.startServing({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '30' });
  // Polled on the readiness probe: it skips the rate limit, the model status route would not.
  const deadline = Date.now() + 10_000;
  while ((await limited.request('GET', '/health/ready', { as: null })).status !== 200) {
    if (Date.now() > deadline) throw new Error('the rate-limited serving instance never got ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
afterAll(() => h.close());

describe('POST /v1/models/:name/predict, served without Nest', () => {
  it('applies RATE_LIMIT_MAX per credential, then answers 429 problem+json with Retry-After', async () => {
    const as = { bearer: tokenFor('viewer', uniqueName('limited-caller')) };
    const body = { instances: [[1, 2]] };
    for (let i = 0; i < 3; i++) {
      const res = await limited.request('POST', path, { body, as });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      expect(res.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await limited.request('POST', path, { body, as });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429, instance: path });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another credential has its own budget.
    expect((await limited.request('POST', path, { body, as: { bearer: tokenFor('viewer', uniqueName('other')) } })).status).toBe(200);
  });

  it('echoes the request id, sets the security headers and answers 200 JSON', async () => {
    const res = await h.serving.request('POST', path, { body: { instances: [[1, 2]] }, headers: { 'x-request-id': 'fast-route-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('fast-route-1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body.predictions).toHaveLength(1);
  });

  it('carries the request id into problem+json and validates params before the body', async () => {
    const res = await h.serving.request('POST', '/v1/models/bad%20name/predict', {
      body: { instances: [] },
      headers: { 'x-request-id': 'fast-route-2' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', requestId: 'fast-route-2', instance: '/v1/models/bad%20name/predict' });
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'name', in: 'params' })]);
  });

  it('labels the HTTP metric with the route pattern', async () => {
    const metrics = await h.serving.request('GET', '/metrics', { as: null });
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{service="serving",method="POST",route="\/v1\/models\/:name\/predict",status="200"\} [1-9]/,
    );
  });
});
