import { mlpClassifierOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { startFaultProxy } from '@modelyard/sdk/testing';
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

// No outbox dispatcher in this registry (RUN_WORKERS=0): nothing is announced, only the periodic
// reconcile (every second here) can see a change.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SERVING_RECONCILE_SECONDS: '1' }, { RUN_WORKERS: '0' });
});
afterAll(() => h.close());

const predict = (app = h.serving, model: string) => app.request('POST', `/v1/models/${model}/predict`, { body: { instances: [[0, 0]] } });

describe('the periodic reconcile', () => {
  it('sees a promotion the registry did not announce, within a period and a load', async () => {
    const model = uniqueName('quiet');
    const v1 = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    await untilServing(h.serving, model, v1);
    const v2 = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await promote(h.registry, model, v2);
    const { ms } = await eventually(async () => ((await predict(h.serving, model)).body.version === v2 ? true : undefined), 10_000, 20);
    expect(ms).toBeLessThan(2_500);
  });

  it('follows an alias on a draft whose artifact is uploaded again, loading the new bytes once', async () => {
    const model = uniqueName('draft');
    const v1 = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const created = await h.registry.request('POST', `/v1/models/${model}/versions`, { body: { inputSchema: KIT_SCHEMA } });
    const draft = created.body.version as string;
    const upload = (bytes: Uint8Array) =>
      h.registry.request('PUT', `/v1/models/${model}/versions/${draft}/artifacts/model.onnx`, {
        raw: Buffer.from(bytes),
        headers: { 'content-type': 'application/octet-stream' },
      });
    expect((await upload(treeEnsembleClassifierOnnx())).status).toBe(201);
    await setAlias(h.registry, model, 'next', draft);
    await untilServing(h.serving, model, v1, { next: draft });
    const ask = () =>
      h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: [[1, 1]], target: { alias: 'next' } } });
    expect((await ask()).body.predictions).toEqual([1]);
    const loads = await metric(h.serving, 'ml_serving_model_loads_total', { model });

    expect((await upload(mlpClassifierOnnx())).status).toBeLessThan(300);
    // The MLP answers 0 for [1, 1], the forest 1.
    await eventually(async () => ((await ask()).body.predictions[0] === 0 ? true : undefined), 10_000, 50);
    expect(await metric(h.serving, 'ml_serving_model_loads_total', { model })).toBe(loads + 1);
  });

  it('with SERVING_MODELS, serves only the models listed', async () => {
    const [listed, other] = [uniqueName('listed'), uniqueName('other')];
    const v = await productionVersion(h.registry, listed, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    await productionVersion(h.registry, other, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const only = await h.startServing({ SERVING_MODELS: `${listed}, no-such-model` });
    await untilServing(only, listed, v);
    expect((await only.request('GET', '/v1/models')).body.items.map((i: { model: string }) => i.model)).toEqual([listed]);
    expect((await predict(only, other)).body).toMatchObject({ status: 404, code: 'not_served' });
    await only.app.close();
  });

  it('is not ready until a first reconcile has reached the registry', async () => {
    const model = uniqueName('late');
    const v = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    const proxy = await startFaultProxy(h.registry.url);
    // The registry "down" for the first listing of models and its retries.
    proxy.inject(Array(3).fill({ status: 503 }), (method, path) => method === 'GET' && path === '/v1/models');
    const app = await h.startServing({ REGISTRY_URL: proxy.url });
    try {
      const notReady = await app.request('GET', '/health/ready', { as: null });
      expect(notReady.status).toBe(503);
      expect(notReady.body.error.models.message).toContain('loading');
      expect((await app.request('GET', '/v2/health/ready', { as: null })).status).toBe(400);
      await eventually(
        async () => ((await app.request('GET', '/health/ready', { as: null })).status === 200 ? true : undefined),
        15_000,
        100,
      );
      expect((await predict(app, model)).body.version).toBe(v);
    } finally {
      await app.app.close();
      await proxy.close();
    }
  });
});
