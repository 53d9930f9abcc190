import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linearClassifierOnnx, mlpClassifierOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import type { TestApp } from '@modelyard/platform/testing';
import { eventually, KIT_SCHEMA, metric, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Artifact downloads the registry has answered (its own HTTP metric for the download route). */
const registryDownloads = () =>
  metric(h.registry, 'http_request_duration_seconds_count', {
    method: 'GET',
    route: '/v1/models/:name/versions/:version/artifacts/*',
    status: '200',
  });

const predict = (app: TestApp, model: string) => app.request('POST', `/v1/models/${model}/predict`, { body: { instances: [[1, 2]] } });
const cached = () => readdirSync(h.cacheDir).filter((f) => /^[0-9a-f]{64}$/.test(f));

describe('the disk cache', () => {
  const model = uniqueName('cached');
  let version: string;

  it('downloads each artifact once, verified, into a file named by its SHA-256', async () => {
    version = await productionVersion(h.registry, model, {
      bytes: treeEnsembleClassifierOnnx(),
      inputSchema: KIT_SCHEMA,
    });
    await untilServing(h.serving, model, version);
    expect(await metric(h.serving, 'ml_serving_artifact_downloads_total')).toBe(1);
    expect(await registryDownloads()).toBe(1);
    const [file] = cached();
    const manifest = (await h.registry.request('GET', `/v1/models/${model}/versions/${version}/artifacts`)).body;
    expect(file).toBe(manifest.items[0].sha256);
  });

  it('after a restart, loads from the cache (hash verified) without a second download', async () => {
    await h.serving.app.close();
    const restarted = await h.startServing();
    await untilServing(restarted, model, version);
    expect((await predict(restarted, model)).status).toBe(200);
    expect(await metric(restarted, 'ml_serving_artifact_downloads_total')).toBe(0);
    expect(await metric(restarted, 'ml_serving_artifact_cache_hits_total')).toBe(1);
    expect(await registryDownloads()).toBe(1);
    await restarted.app.close();
  });

  it('downloads again a cached file whose bytes no longer match its hash', async () => {
    const [file] = cached();
    writeFileSync(join(h.cacheDir, file!), 'not the model any more');
    const restarted = await h.startServing();
    await untilServing(restarted, model, version);
    const res = await predict(restarted, model);
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual([1]);
    expect(await metric(restarted, 'ml_serving_artifact_cache_corrupt_total')).toBe(1);
    expect(await metric(restarted, 'ml_serving_artifact_downloads_total')).toBe(1);
    expect(await registryDownloads()).toBe(2);
    await restarted.app.close();
  });
});

describe('the memory budget (SERVING_MAX_MODELS_MB)', () => {
  it('keeps the least recently used versions out of memory and loads them back from disk on use', async () => {
    const kit = [treeEnsembleClassifierOnnx(), mlpClassifierOnnx(), linearClassifierOnnx()];
    // Room for the largest one, never for two.
    const budgetMb = (Math.max(...kit.map((b) => b.length)) + 1) / (1024 * 1024);
    const small = await h.startServing({ SERVING_MAX_MODELS_MB: String(budgetMb), SERVING_MODELS: '' });
    const models = kit.map(() => uniqueName('lru'));
    const versions = [];
    for (const [i, bytes] of kit.entries())
      versions.push(await productionVersion(h.registry, models[i]!, { bytes, inputSchema: KIT_SCHEMA }));
    for (const [i, m] of models.entries()) await untilServing(small, m, versions[i]!);

    const inMemory = async () => {
      const items = (await small.request('GET', '/v1/models')).body.items as {
        model: string;
        versions: { inMemory: boolean }[];
      }[];
      return items.filter((i) => models.includes(i.model) && i.versions[0]!.inMemory).map((i) => i.model);
    };
    expect((await inMemory()).length).toBe(1);
    expect(await metric(small, 'ml_serving_models_loaded')).toBe(1);
    const evictionsBefore = await metric(small, 'ml_serving_model_evictions_total');
    const downloadsBefore = await metric(small, 'ml_serving_artifact_downloads_total');

    for (const m of [models[0]!, models[1]!, models[0]!]) {
      const res = await predict(small, m);
      expect(res.status).toBe(200);
      expect(await inMemory()).toEqual([m]);
    }
    expect(await metric(small, 'ml_serving_model_evictions_total')).toBeGreaterThanOrEqual(evictionsBefore + 3);
    expect(await metric(small, 'ml_serving_models_loaded_bytes')).toBeLessThanOrEqual(budgetMb * 1024 * 1024);
    // Reloads come from the disk cache.
    expect(await metric(small, 'ml_serving_artifact_downloads_total')).toBe(downloadsBefore);
    await small.app.close();
  });
});

describe('the disk budget (SERVING_CACHE_MAX_MB)', () => {
  it('after a reconcile, removes artifacts no routed version uses and keeps the served one', async () => {
    const model = uniqueName('pruned');
    const serving = await h.startServing({ SERVING_MODELS: model });
    const v1 = await productionVersion(h.registry, model, { bytes: linearClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(serving, model, v1);
    const v2 = await productionVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(serving, model, v2);
    await serving.app.close();
    const shaOf = async (version: string) =>
      (await h.registry.request('GET', `/v1/models/${model}/versions/${version}/artifacts`)).body.items[0].sha256 as string;
    const [old, served] = [await shaOf(v1), await shaOf(v2)];
    expect(cached()).toEqual(expect.arrayContaining([old, served]));

    // A budget of a few bytes: everything this replica does not serve goes, what it serves stays.
    const pruning = await h.startServing({ SERVING_CACHE_MAX_MB: '0.00001', SERVING_MODELS: model });
    await untilServing(pruning, model, v2);
    const { value: left } = await eventually(async () => (cached().includes(old) ? undefined : cached()));
    expect(left).toEqual([served]);
    expect(await metric(pruning, 'ml_serving_artifact_cache_bytes')).toBe(mlpClassifierOnnx().length);
    expect((await predict(pruning, model)).status).toBe(200);
    await pruning.app.close();
  });
});
