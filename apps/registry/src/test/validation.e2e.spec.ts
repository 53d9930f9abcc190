import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, promote, stagedVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

const passing = {
  status: 'passed',
  validator: 'serving',
  checks: [
    { name: 'input_schema', status: 'passed', detail: 'features (x0, x1) are the columns of input' },
    { name: 'latency', status: 'passed', detail: 'p50 0.1 ms, p99 0.3 ms over 20 runs', value: 0.3 },
    { name: 'metric_floors', status: 'skipped', detail: 'the version declares no metric floors' },
  ],
  runtime: { format: 'onnx', runs: 20, latencyP50Ms: 0.1, latencyP99Ms: 0.3 },
};
const failing = {
  status: 'failed',
  validator: 'serving',
  checks: [{ name: 'input_schema', status: 'failed', detail: "input 'input' takes 3 columns, the input schema lists 2 features" }],
};

const put = (m: string, v: string, body: unknown, as: 'admin' | 'editor' = 'admin') =>
  t.request('PUT', `/v1/models/${m}/versions/${v}/validation`, { body, as });

describe('validation reports', () => {
  it('are recorded by an admin credential, stamped by the registry, shown on the version and audited', async () => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.validation).toBeNull();
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}/validation`)).status).toBe(404);

    const res = await put(m, v, passing);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...passing, artifact: null, validatedBy: expect.any(String) });
    expect(Date.parse(res.body.validatedAt)).toBeGreaterThan(Date.now() - 60_000);
    const version = (await t.request('GET', `/v1/models/${m}/versions/${v}`)).body;
    expect(version.validation).toEqual(res.body);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}/validation`)).body).toEqual(res.body);

    await put(m, v, failing);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.validation).toMatchObject({ status: 'failed' });
    const audit = (await t.request('GET', `/v1/audit?model=${m}&limit=2`)).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['version.validated', 'version.validated']);
    expect(audit[0]).toMatchObject({
      subject: `${m}@${v}`,
      before: { status: 'passed', validator: 'serving' },
      after: { status: 'failed', checks: failing.checks },
    });
  });

  it('may not be written by an editor (they could vouch for their own version)', async () => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    const res = await put(m, v, passing, 'editor');
    expect(res.status).toBe(403);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.validation).toBeNull();
  });

  it.each([
    [{ ...passing, status: 'failed' }, 'status'],
    [{ ...failing, status: 'passed' }, 'status'],
    [{ ...passing, checks: [] }, 'checks'],
    [{ ...passing, checks: [{ name: 'Bad Name', status: 'passed', detail: 'x' }] }, 'checks.0.name'],
    [{ ...passing, checks: [{ name: 'a', status: 'maybe', detail: 'x' }] }, 'checks.0.status'],
    [{ ...passing, validator: undefined }, 'validator'],
    [{ ...passing, artifact: { path: 'model.onnx', sha256: 'xyz' } }, 'artifact.sha256'],
    [{ ...passing, runtime: { latencyP99Ms: -1 } }, 'runtime.latencyP99Ms'],
    [{ ...passing, validatedBy: 'someone-else' }, 'validatedBy'],
  ])('refuses a malformed report with a 400 naming the field (%#)', async (body, field) => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    const res = await put(m, v, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(res.body.errors)).toContain(`"${field}"`);
  });

  it('404s for a version that does not exist', async () => {
    const m = await createModel(t);
    expect((await put(m, '9.9.9', passing)).status).toBe(404);
  });
});

describe('promotion policy requireValidation', () => {
  const requireValidation = { policy: { requireValidation: true } };

  it('refuses a version without a report or with a failed one (409 listing why), promotes once one passed', async () => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    const none = await promote(t, m, v, requireValidation);
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({
      code: 'promotion_policy_rejected',
      reasons: ['the version has no validation report'],
      validation: { ok: false, report: null },
    });

    await put(m, v, failing);
    const failed = await promote(t, m, v, requireValidation);
    expect(failed.status).toBe(409);
    expect(failed.body.reasons).toEqual([
      expect.stringMatching(/newest validation report .* failed/),
      `input_schema: ${failing.checks[0]!.detail}`,
    ]);
    expect(failed.body.detail).toContain('input_schema');
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.stage).toBe('staging');

    await put(m, v, passing);
    const ok = await promote(t, m, v, requireValidation);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ promoted: { version: v, stage: 'production', validation: { status: 'passed' } }, decision: null });
  });

  it('lists the metric and the validation reasons together', async () => {
    const m = await createModel(t);
    const v1 = await stagedVersion(t, m, { metrics: { auc: 0.8 } });
    expect((await promote(t, m, v1)).status).toBe(200);
    const v2 = await stagedVersion(t, m, { metrics: { auc: 0.7 } });
    const res = await promote(t, m, v2, { policy: { metric: 'auc', direction: 'higher', requireValidation: true } });
    expect(res.status).toBe(409);
    expect(res.body.reasons).toEqual([expect.stringContaining('is below the required 0'), 'the version has no validation report']);
    expect(res.body.decision).toMatchObject({ promote: false, metric: 'auc' });
  });

  it('without it, promotion ignores reports (a failed one does not block)', async () => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    await put(m, v, failing);
    expect((await promote(t, m, v)).status).toBe(200);
  });

  it.each([
    [{}, 'metric'],
    [{ requireValidation: false }, 'metric'],
    [{ metric: 'auc' }, 'direction'],
    [{ requireValidation: 'yes' }, 'requireValidation'],
  ])('refuses a policy that asks nothing or half a metric rule (400 naming the field, %#)', async (policy, field) => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    const res = await promote(t, m, v, { policy });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain(`"policy.${field}"`);
  });
});
