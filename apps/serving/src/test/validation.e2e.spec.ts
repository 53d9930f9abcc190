import { schemaIncompatibleOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { buildDrift } from '@modelyard/drift/testing';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { eventually, KIT_SCHEMA, metric, productionVersion, promote, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

// A real drift service for the monitor check; changes reach serving through the registry's announcements.
let drift: TestApp;
let h: Harness;
beforeAll(async () => {
  drift = await startTestApp(buildDrift);
  h = await startHarness({ SERVING_RECONCILE_SECONDS: '3600', DRIFT_URL: drift.url });
});
afterAll(async () => {
  await h.close();
  await drift.close();
});

interface Check {
  name: string;
  status: string;
  detail: string;
  value?: number;
}
const byName = (checks: Check[]) => new Map(checks.map((c) => [c.name, c]));
const versionOf = async (model: string, version: string) =>
  (await h.registry.request('GET', `/v1/models/${model}/versions/${version}`)).body;
/** Waits until the registry's version carries a report from serving. */
const reportOf = (model: string, version: string) =>
  eventually(async () => (await versionOf(model, version)).validation ?? undefined).then((r) => r.value);
const validate = (model: string, version: string, as: 'admin' | 'editor' | 'viewer' = 'editor') =>
  h.serving.request('POST', `/v1/models/${model}/versions/${version}/validate`, { as });
const predictVersion = async (model: string) =>
  (await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: [[0, 0]] } })).body.version;
const auditCount = async (model: string) =>
  (await h.registry.request('GET', `/v1/audit?model=${model}&limit=100`)).body.items.filter(
    (e: { action: string }) => e.action === 'version.validated',
  ).length;

describe('validation when a version is loaded for serving', () => {
  it('records a passing report on the version before it takes traffic, once per artifact', async () => {
    const model = uniqueName('valid');
    const v1 = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, v1);
    const report = await reportOf(model, v1);
    const manifest = (await h.registry.request('GET', `/v1/models/${model}/versions/${v1}/artifacts`)).body;
    expect(report).toMatchObject({
      status: 'passed',
      validator: 'serving',
      validatedBy: 'service:serving',
      artifact: { path: 'model.onnx', sha256: manifest.items[0].sha256 },
      runtime: { format: 'onnx', runs: 20 },
    });
    const checks = byName(report.checks);
    expect([...checks.keys()]).toEqual([
      'artifact_loads',
      'input_schema',
      'monitor_features',
      'smoke_run',
      'output_shapes',
      'latency',
      'metric_floors',
    ]);
    expect(checks.get('input_schema')).toMatchObject({
      status: 'passed',
      detail: expect.stringContaining("features (x0, x1) are the columns of input 'input'"),
    });
    expect(checks.get('monitor_features')).toMatchObject({ status: 'skipped', detail: 'no drift monitor watches this version' });
    expect(checks.get('smoke_run')).toMatchObject({ status: 'passed', value: 3, detail: expect.stringContaining('synthetic') });
    expect(checks.get('output_shapes')!.detail).toBe('for 3 instances: label [3], probabilities [3, 2]');
    expect(checks.get('metric_floors')!.status).toBe('skipped');
    expect(report.runtime.latencyP99Ms).toBeGreaterThanOrEqual(report.runtime.latencyP50Ms);
    expect(checks.get('latency')!.value).toBe(report.runtime.latencyP99Ms);
    expect(await metric(h.serving, 'ml_serving_validations_total', { model, status: 'passed' })).toBe(1);

    // A restart validates the same bytes again but has nothing new to tell the registry.
    const recorded = await auditCount(model);
    expect(recorded).toBe(1);
    const restarted = await h.startServing();
    await untilServing(restarted, model, v1);
    expect(await metric(restarted, 'ml_serving_validations_total', { model, status: 'passed' })).toBe(1);
    expect(await auditCount(model)).toBe(1);
    expect((await versionOf(model, v1)).validation.validatedAt).toBe(report.validatedAt);
    await restarted.close();
  });

  it('never serves a schema-incompatible version: a failed report, the old version keeps serving', async () => {
    const model = uniqueName('incompat');
    const v1 = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, v1);
    const v2 = await productionVersion(h.registry, model, { bytes: schemaIncompatibleOnnx(), inputSchema: KIT_SCHEMA });
    const report = await reportOf(model, v2);
    expect(report.status).toBe('failed');
    expect(byName(report.checks).get('input_schema')).toEqual({
      name: 'input_schema',
      status: 'failed',
      detail: "input 'input' takes 3 columns, the input schema lists 2 features (x0, x1)",
    });
    expect(await predictVersion(model)).toBe(v1);
    const served = (await h.serving.request('GET', `/v1/models/${model}`)).body;
    expect(served).toMatchObject({ production: v1, failures: [{ version: v2, reason: 'schema' }] });
    expect(await metric(h.serving, 'ml_serving_validations_total', { model, status: 'failed' })).toBe(1);
  });

  it('never serves a version below its declared metric floor (load failure reason validation), visible in readiness', async () => {
    const model = uniqueName('floor');
    const v1 = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, v1);
    const v2 = await stagedVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
      fields: { metrics: { auc: 0.7 }, config: { metricFloors: { auc: 0.75 } } },
    });
    await promote(h.registry, model, v2);
    const report = await reportOf(model, v2);
    expect(report.status).toBe('failed');
    expect(byName(report.checks).get('metric_floors')).toMatchObject({ status: 'failed', detail: 'auc 0.7 is below its floor 0.75' });
    expect(byName(report.checks).get('smoke_run')!.status).toBe('passed');
    expect(await predictVersion(model)).toBe(v1);
    const failure = {
      model,
      version: v2,
      reason: 'validation',
      error: 'validation failed: metric_floors: auc 0.7 is below its floor 0.75',
    };
    expect((await h.serving.request('GET', `/v1/models/${model}`)).body.failures).toEqual([
      { ...failure, artifact: 'model.onnx', at: expect.any(String) },
    ]);
    const ready = await h.serving.request('GET', '/health/ready');
    expect(JSON.stringify(ready.body)).toContain(failure.error);
    expect(await metric(h.serving, 'ml_serving_model_load_failures_total', { model, reason: 'validation' })).toBe(1);
  });
});

describe('POST /v1/models/:name/versions/:version/validate', () => {
  it('validates a staging candidate so that a promotion requiring validation goes through', async () => {
    const model = uniqueName('gate');
    const v1 = await stagedVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const policy = { policy: { requireValidation: true } };
    const refused = await h.registry.request('POST', `/v1/models/${model}/versions/${v1}/promote`, { body: policy });
    expect(refused.status).toBe(409);
    expect(refused.body.reasons).toEqual(['the version has no validation report']);

    const res = await validate(model, v1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model, version: v1, recorded: true, report: { status: 'passed', validatedBy: 'service:serving' } });
    expect((await versionOf(model, v1)).validation).toEqual(res.body.report);
    // Loaded for the occasion, not served: nothing routes to a staging version.
    expect((await h.serving.request('GET', `/v1/models/${model}`)).status).toBe(404);

    const ok = await h.registry.request('POST', `/v1/models/${model}/versions/${v1}/promote`, { body: policy });
    expect(ok.status).toBe(200);
    await untilServing(h.serving, model, v1);
    expect(await predictVersion(model)).toBe(v1);
  });

  it("checks the input schema against the model's drift monitors and smoke-runs the version's examples", async () => {
    const model = uniqueName('monitored');
    const inputSchema = { ...KIT_SCHEMA, examples: [{ x0: 1, x1: 2 }, [0.5, -1]] };
    const v1 = await stagedVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema });
    const monitor = await drift.request('POST', '/v1/monitors', {
      body: {
        name: 'churn-inputs',
        model,
        features: [
          { name: 'x0', kind: 'numeric' },
          { name: 'x2', kind: 'numeric' },
        ],
        window: { size: 100 },
        schedule: { everySeconds: 3600 },
      },
    });
    expect(monitor.status).toBe(201);
    const res = await validate(model, v1);
    expect(res.status).toBe(200);
    const checks = byName(res.body.report.checks);
    expect(res.body.report.status).toBe('failed');
    expect(checks.get('monitor_features')).toMatchObject({
      status: 'failed',
      detail: "monitor 'churn-inputs' watches 'x2', which is not an input of this version",
    });
    expect(checks.get('smoke_run')).toMatchObject({ status: 'passed', value: 2, detail: '2 instance(s) from inputSchema.examples ran' });
    expect((await versionOf(model, v1)).validation.status).toBe('failed');
  });

  it('reports an example that does not fit the schema as a failed smoke run, naming the field', async () => {
    const model = uniqueName('badexample');
    const v1 = await stagedVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: { ...KIT_SCHEMA, example: { x0: 1, x1: 'many' } },
    });
    const res = await validate(model, v1);
    expect(res.body.report.status).toBe('failed');
    expect(byName(res.body.report.checks).get('smoke_run')!.detail).toMatch(/instances\.0\.x1/);
  });

  it('refuses bad input with a 4xx naming the field, and read-only callers', async () => {
    const model = uniqueName('routes');
    const v1 = await stagedVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const badVersion = await validate(model, '1.x');
    expect(badVersion.status).toBe(400);
    expect(JSON.stringify(badVersion.body.errors)).toContain('"version"');
    const badName = await h.serving.request('POST', `/v1/models/-bad/versions/${v1}/validate`);
    expect(badName.status).toBe(400);
    expect(JSON.stringify(badName.body.errors)).toContain('"name"');
    expect((await validate(model, '9.9.9')).status).toBe(404);
    expect((await validate(model, v1, 'viewer')).status).toBe(403);
    expect((await versionOf(model, v1)).validation).toBeNull();
  });
});
