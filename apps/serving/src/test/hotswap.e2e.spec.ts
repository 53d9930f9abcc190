import { corruptOnnx, mlpClassifierOnnx, schemaIncompatibleOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import {
  eventually,
  KIT_SCHEMA,
  metric,
  productionVersion,
  promote,
  setAlias,
  stagedVersion,
  uniqueName,
  untilServing,
} from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

// The periodic reconcile is an hour away: every change here is seen through the registry's announcement.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SERVING_RECONCILE_SECONDS: '3600' });
});
afterAll(() => h.close());

const INSTANCES = [
  [0, 0],
  [1, 1],
  [2, -1],
];
const predict = (model: string, body: Record<string, unknown> = {}) =>
  h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: INSTANCES, ...body } });

/** Polls predictions until `version` answers; the time from now until it did. */
async function answeredWithin(model: string, version: string, body: Record<string, unknown> = {}): Promise<number> {
  const { ms } = await eventually(async () => ((await predict(model, body)).body.version === version ? true : undefined), 10_000, 10);
  return ms;
}

describe('hot swap', () => {
  it('answers with a promoted version within 2 s of the promotion, and with the old one after a rollback', async () => {
    const model = uniqueName('swap');
    const v1 = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    await untilServing(h.serving, model, v1);
    const v2 = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    expect((await predict(model)).body.version).toBe(v1);

    await promote(h.registry, model, v2);
    expect(await answeredWithin(model, v2)).toBeLessThan(2_000);
    // The MLP's answers, not the forest's: [1, 1] is class 0 for the MLP (logits 2.6, −2.6), 1 for the forest.
    expect((await predict(model)).body.predictions).toEqual([1, 0, 0]);

    expect((await h.registry.request('POST', `/v1/models/${model}/rollback`, { body: {} })).status).toBe(200);
    expect(await answeredWithin(model, v1)).toBeLessThan(2_000);
    expect(await metric(h.serving, 'ml_serving_swaps_total', { model, target: 'production' })).toBeGreaterThanOrEqual(3);
  });

  it('moves an alias within 2 s, and stops serving it once deleted', async () => {
    const model = uniqueName('alias');
    const v1 = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    const v2 = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await setAlias(h.registry, model, 'champion', v1);
    await untilServing(h.serving, model, v1, { champion: v1 });
    await setAlias(h.registry, model, 'champion', v2);
    expect(await answeredWithin(model, v2, { target: { alias: 'champion' } })).toBeLessThan(2_000);

    expect((await h.registry.request('DELETE', `/v1/models/${model}/aliases/champion`)).status).toBe(204);
    const gone = await eventually(async () => {
      const res = await predict(model, { target: { alias: 'champion' } });
      return res.status === 404 ? res.body : undefined;
    });
    expect(gone.value.code).toBe('not_served');
    expect((await predict(model)).body.version).toBe(v1);
  });

  it('drops no request while production changes under 16 concurrent clients', async () => {
    const model = uniqueName('load');
    const v1 = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    const v2 = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, v1);
    let stop = false;
    const statuses: number[] = [];
    const seen: string[] = [];
    const client = async () => {
      while (!stop) {
        const res = await predict(model);
        statuses.push(res.status);
        seen.push(res.body.version);
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((r) => setTimeout(r, 300));
    await promote(h.registry, model, v2);
    await answeredWithin(model, v2);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(clients);
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(new Set(seen)).toEqual(new Set([v1, v2]));
  });

  it('stops serving production when the production version is archived without a successor', async () => {
    const model = uniqueName('archive');
    const v1 = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    await untilServing(h.serving, model, v1);
    const archived = await h.registry.request('POST', `/v1/models/${model}/versions/${v1}/transitions`, {
      body: { to: 'archived' },
    });
    expect(archived.status).toBe(200);
    const res = await eventually(async () => {
      const r = await predict(model);
      return r.status === 404 ? r : undefined;
    });
    expect(res.ms).toBeLessThan(2_000);
    expect(res.value.body.detail).toContain(model);
  });
});

describe('a version that cannot load', () => {
  it.each([
    ['corrupt', corruptOnnx, 'load', 'protobuf parsing failed'],
    ['schema-incompatible', schemaIncompatibleOnnx, 'schema', 'takes 3 columns, the input schema lists 2 features (x0, x1)'],
  ])('a %s ONNX promoted never serves: the old version keeps serving and the failure is visible', async (kind, bytes, reason, message) => {
    const model = uniqueName(kind);
    const good = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    await untilServing(h.serving, model, good);
    const failuresBefore = await metric(h.serving, 'ml_serving_model_load_failures_total', { model, reason });
    const bad = await stagedVersion(h.registry, model, { bytes: bytes(), inputSchema: KIT_SCHEMA });
    await promote(h.registry, model, bad);

    const failure = await eventually(async () => {
      const status = (await h.serving.request('GET', `/v1/models/${model}`)).body;
      return status.failures.find((f: { version: string }) => f.version === bad);
    });
    expect(failure.value).toMatchObject({ model, version: bad, artifact: 'model.onnx', reason });
    expect(failure.value.error).toContain(message);
    expect(await metric(h.serving, 'ml_serving_model_load_failures_total', { model, reason })).toBe(failuresBefore + 1);
    const ready = await h.serving.request('GET', '/health/ready', { as: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info.models.failures).toEqual(expect.arrayContaining([expect.objectContaining({ model, version: bad, reason })]));

    // The registry says `bad` is production; serving keeps answering with `good`, call after call.
    for (let i = 0; i < 5; i++) {
      const res = await predict(model);
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(good);
    }
    const named = await predict(model, { target: { version: bad } });
    expect(named.status).toBe(503);
    expect(named.body.detail).toContain(`${model}@${bad} failed to load (${reason})`);

    // A good version promoted next takes over, and the failure is forgotten.
    const fixed = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await promote(h.registry, model, fixed);
    await answeredWithin(model, fixed);
    expect((await h.serving.request('GET', `/v1/models/${model}`)).body.failures).toEqual([]);
  });

  it('a first production version that cannot load answers 503 naming the failure', async () => {
    const model = uniqueName('broken');
    const bad = await productionVersion(h.registry, model, { bytes: corruptOnnx(), inputSchema: KIT_SCHEMA });
    const res = await eventually(async () => {
      const r = await predict(model);
      return r.status === 503 ? r : undefined;
    });
    expect(res.value.body.code).toBe('model_unavailable');
    expect(res.value.body.detail).toContain(`${model}@${bad} failed to load (load)`);
  });
});
