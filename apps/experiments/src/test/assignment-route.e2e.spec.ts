import { metricValue, startTestApp, testRedis, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { randomUUID } from 'node:crypto';
import { stickyAssignmentsKey } from '../assignment/assignment.service.js';
import { buildExperiments } from '../config.js';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

// GET /v1/experiments/:key/assignment is answered by a plain Fastify handler (AssignmentRoute), not
// Nest's pipeline: what the platform's guards, filter and hooks give every route must still hold.
// (Team roles on it are checked with every other route by teams.e2e.spec.ts.)
let h: Harness;
let limited: TestApp;
const key = `direct-${randomUUID().slice(0, 8)}`;
const path = (unit: string) => `/v1/experiments/${key}/assignment?unit=${unit}`;
beforeAll(async () => {
  h = await startHarness();
  const model = `direct-model-${randomUUID().slice(0, 8)}`;
  await modelWithVersions(h.registry, model);
  expect((await h.experiments.request('POST', '/v1/experiments', { body: experimentBody(key, model) })).status).toBe(201);
  expect((await h.experiments.request('POST', `/v1/experiments/${key}/start`)).status).toBe(200);
  // A second replica on the same database and Redis prefix, with a rate limit.
  limited = await startTestApp(
    buildExperiments,
    { REGISTRY_URL: h.registry.url, RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '30' },
    { databaseUrl: h.experiments.databaseUrl, redisPrefix: h.experiments.redisPrefix },
  );
});
afterAll(async () => {
  // Only the app: the database and prefix are the harness's, dropped by its close.
  await limited.app.close();
  await h.close();
});

describe('GET /v1/experiments/:key/assignment, served without Nest', () => {
  it('answers the sticky assignment as JSON with the request id and the security headers', async () => {
    const first = await h.experiments.request('GET', path('u-1'), { headers: { 'x-request-id': 'direct-1' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-request-id')).toBe('direct-1');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('content-type')).toContain('application/json');
    expect(first.body).toMatchObject({ unit: 'u-1', inExperiment: true, sticky: false });
    expect(['control', 'treatment']).toContain(first.body.variant);
    const again = await h.experiments.request('GET', path('u-1'));
    expect(again.body).toEqual({ ...first.body, sticky: true });
  });

  it("remembers a unit's answer: asked again, the replica answers from memory, even after Redis lost the unit", async () => {
    const answered = async (app: TestApp) => ({
      memory: await metricValue(app, 'ml_experiment_assignments_answered_total', { source: 'memory' }),
      redis: await metricValue(app, 'ml_experiment_assignments_answered_total', { source: 'redis' }),
    });
    const before = await answered(h.experiments);
    const first = await h.experiments.request('GET', path('m-1'));
    expect(await answered(h.experiments)).toEqual({ memory: before.memory, redis: before.redis + 1 });
    for (let i = 0; i < 3; i++) {
      expect((await h.experiments.request('GET', path('m-1'))).body).toEqual({ ...first.body, sticky: true });
    }
    expect(await answered(h.experiments)).toEqual({ memory: before.memory + 3, redis: before.redis + 1 });

    // The unit gone from the sticky hash (Redis lost it): this replica still knows its variant.
    const { id } = (await h.experiments.request('GET', `/v1/experiments/${key}`)).body as { id: string };
    const redis = testRedis({ prefix: h.experiments.redisPrefix });
    try {
      expect(await redis.hdel(stickyAssignmentsKey(id), 'm-1')).toBe(1);
    } finally {
      await redis.quit();
    }
    expect((await h.experiments.request('GET', path('m-1'))).body).toEqual({ ...first.body, sticky: true });
    expect(await answered(h.experiments)).toEqual({ memory: before.memory + 4, redis: before.redis + 1 });
  });

  it('refuses a request without a credential with 401 problem+json', async () => {
    const res = await h.experiments.request('GET', path('u-2'), { as: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('validates the query, naming the field, in problem+json with the request id', async () => {
    const res = await h.experiments.request('GET', `/v1/experiments/${key}/assignment`, { headers: { 'x-request-id': 'direct-2' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'validation_failed', requestId: 'direct-2', instance: `/v1/experiments/${key}/assignment` });
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'unit', in: 'query' })]);
  });

  it('answers 404 problem+json for an unknown experiment', async () => {
    const res = await h.experiments.request('GET', `/v1/experiments/no-such-${randomUUID().slice(0, 8)}/assignment?unit=u`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('applies RATE_LIMIT_MAX per credential, then answers 429 problem+json with Retry-After', async () => {
    const as = { bearer: tokenFor('viewer', `limited-${randomUUID().slice(0, 8)}`) };
    for (let i = 0; i < 3; i++) {
      const res = await limited.request('GET', path(`r-${i}`), { as });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await limited.request('GET', path('r-3'), { as });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('labels the HTTP metric with the route pattern', async () => {
    const metrics = await h.experiments.request('GET', '/metrics', { as: null });
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{service="experiments",method="GET",route="\/v1\/experiments\/:key\/assignment",status="200"\} [1-9]/,
    );
  });
});
