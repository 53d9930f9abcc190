import { Rng } from '@modelyard/learners';
import { KIT_FEATURES, mlpClassifierOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import * as ort from 'onnxruntime-node';
import { ShadowTap } from '../shadow/shadow-tap.js';
import { eventually, KIT_SCHEMA, metric, productionVersion, setAlias, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const rowsOf = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [rng.normal() * 2, rng.normal() * 2]);
};
const records = (rows: number[][]) => rows.map(([x0, x1]) => ({ [KIT_FEATURES[0]]: x0, [KIT_FEATURES[1]]: x1 }));

/** Labels and probabilities from onnxruntime-node in this process: what serving must have compared. */
async function reference(bytes: Uint8Array, rows: number[][]) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 2]) });
    const p = Array.from(out.probabilities!.data as Float32Array);
    const k = out.probabilities!.dims[1]!;
    return { labels: Array.from(out.label!.data as BigInt64Array, Number), probabilities: rows.map((_, i) => p.slice(i * k, (i + 1) * k)) };
  } finally {
    await session.release();
  }
}

const shadow = (model: string, method: string, body?: unknown, as?: 'viewer' | 'editor') =>
  h.serving.request(method, `/v1/models/${model}/shadow`, { body, ...(as ? { as } : {}) });
const report = (model: string, app = h.serving) => app.request('GET', `/v1/models/${model}/shadow/report`).then((r) => r.body);
/** The report once `scored + failed + skipped` has caught up with `sampled` calls. */
const settledReport = (model: string, sampled: number) =>
  eventually(async () => {
    const r = await report(model);
    const { scored, failed, skipped } = r.calls;
    return r.calls.sampled === sampled && scored + failed + skipped === sampled ? r : undefined;
  }, 30_000).then((e) => e.value);

async function predictEach(model: string, batches: number[][][]) {
  for (const rows of batches) {
    const res = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: records(rows) } });
    expect(res.status).toBe(200);
  }
}

describe('shadow traffic', () => {
  it('scores every call at fraction 1 and reports agreement, score difference and latencies of both', async () => {
    const model = uniqueName('shadowed');
    const tree = treeEnsembleClassifierOnnx();
    const mlp = mlpClassifierOnnx();
    const primary = await productionVersion(h.registry, model, { bytes: tree, inputSchema: KIT_SCHEMA });
    const twin = await stagedVersion(h.registry, model, { bytes: tree, inputSchema: KIT_SCHEMA });
    const other = await stagedVersion(h.registry, model, { bytes: mlp, inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, primary);

    const set = await shadow(model, 'PUT', { version: twin, fraction: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ model, version: twin, fraction: 1, tolerance: 1e-6, loadedVersion: twin });
    const served = (await h.serving.request('GET', `/v1/models/${model}`)).body;
    expect(served.versions.find((v: { version: string }) => v.version === twin).targets).toEqual(['shadow']);

    const batches = Array.from({ length: 12 }, (_, i) => rowsOf(10, 100 + i));
    await predictEach(model, batches);
    const same = await settledReport(model, 12);
    expect(same).toMatchObject({ model, version: twin, fraction: 1, instances: 120, agreement: 1, meanAbsDiff: 0 });
    expect(same.calls).toEqual({ seen: 12, sampled: 12, scored: 12, failed: 0, skipped: 0 });
    for (const side of [same.latency.primary, same.latency.shadow]) {
      expect(side.count).toBe(12);
      expect(side.meanMs).toBeGreaterThan(0);
      expect(side.p50Ms).toBeGreaterThan(0);
      expect(side.p99Ms).toBeGreaterThanOrEqual(side.p50Ms);
    }

    // Another shadow: a new report, with the figures onnxruntime gives in this process.
    expect((await shadow(model, 'PUT', { version: other, fraction: 1 })).body.loadedVersion).toBe(other);
    expect((await report(model)).calls.sampled).toBe(0);
    await predictEach(model, batches);
    const rows = batches.flat();
    const [a, b] = await Promise.all([reference(tree, rows), reference(mlp, rows)]);
    const agreement = a.labels.filter((l, i) => l === b.labels[i]).length / rows.length;
    const diffs = rows.map((_, i) => a.probabilities[i]!.reduce((s, p, k) => s + Math.abs(p - b.probabilities[i]![k]!), 0) / 2);
    const meanAbsDiff = diffs.reduce((s, d) => s + d, 0) / rows.length;
    expect(agreement).toBeGreaterThan(0);
    expect(agreement).toBeLessThan(1);
    const differs = await settledReport(model, 12);
    expect(differs.calls).toEqual({ seen: 12, sampled: 12, scored: 12, failed: 0, skipped: 0 });
    expect(differs.version).toBe(other);
    expect(differs.agreement).toBeCloseTo(agreement, 9);
    expect(differs.meanAbsDiff).toBeCloseTo(meanAbsDiff, 6);
  });

  it('never fails a response when the shadow cannot run on it: the call is counted as failed', async () => {
    const model = uniqueName('broken-shadow');
    const tree = treeEnsembleClassifierOnnx();
    const primary = await productionVersion(h.registry, model, { bytes: tree, inputSchema: KIT_SCHEMA });
    // Loads and warms fine, but its features are named otherwise: the callers' records do not fit it.
    const stranger = await stagedVersion(h.registry, model, { bytes: tree, inputSchema: { inputs: ['a', 'b'] } });
    await untilServing(h.serving, model, primary);
    expect((await shadow(model, 'PUT', { version: stranger, fraction: 1 })).body.loadedVersion).toBe(stranger);
    const failuresBefore = await metric(h.serving, 'ml_background_failures_total', { loop: 'serving-shadow' });

    const rows = rowsOf(20, 7);
    const expected = await reference(tree, rows);
    for (let i = 0; i < 5; i++) {
      const res = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: records(rows) } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: primary, predictions: expected.labels });
    }
    const r = await settledReport(model, 5);
    expect(r.calls).toEqual({ seen: 5, sampled: 5, scored: 0, failed: 5, skipped: 0 });
    expect(r).toMatchObject({ instances: 0, agreement: null, meanAbsDiff: null });
    expect(await metric(h.serving, 'ml_background_failures_total', { loop: 'serving-shadow' })).toBe(failuresBefore + 5);
  });

  it('samples about the fraction asked for, and skips (counting) rather than queueing without bound', async () => {
    const model = uniqueName('sampled');
    const primary = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const mlp = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, primary);
    expect((await shadow(model, 'PUT', { version: mlp, fraction: 0.3 })).body.loadedVersion).toBe(mlp);
    const calls = 600;
    for (let i = 0; i < calls; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => predictEach(model, [rowsOf(1, i)])));
    }
    const r = await eventually(async () => {
      const body = await report(model);
      const { sampled, scored, failed, skipped } = body.calls;
      return body.calls.seen === calls && scored + failed + skipped === sampled ? body : undefined;
      // Up to 240 shadow calls, two at a time, behind the predictions: generous on a loaded machine.
    }, 30_000).then((e) => e.value);
    // Binomial(600, 0.3): standard deviation 11.2 calls; 3.5 of them either side.
    expect(r.calls.sampled).toBeGreaterThan(180 - 40);
    expect(r.calls.sampled).toBeLessThan(180 + 40);

    // A replica that runs one shadow call at a time with none waiting, given a burst of 10 answered
    // calls at once (the tap is fed directly: over HTTP, calls in one process arrive one by one).
    const narrow = await h.startServing({ SERVING_SHADOW_CONCURRENCY: '1', SERVING_SHADOW_QUEUE: '0' });
    await untilServing(narrow, model, primary);
    const since = (await shadow(model, 'PUT', { version: mlp, fraction: 1 })).body.since;
    await eventually(async () => {
      const seen = (await narrow.request('GET', `/v1/models/${model}/shadow`)).body;
      return seen.since === since && seen.loadedVersion === mlp ? true : undefined;
    });
    const instances = records(rowsOf(50, 3));
    const answer = (await narrow.request('POST', `/v1/models/${model}/predict`, { body: { instances } })).body;
    await settledReport(model, 1);
    const tap = narrow.app.get(ShadowTap);
    for (let i = 0; i < 10; i++) tap.onPrediction({ ...answer, instances, latencyMs: 1 });
    const loaded = await settledReport(model, 11);
    expect(loaded.calls).toEqual({ seen: 11, sampled: 11, scored: 2, failed: 0, skipped: 9 });
  });

  it('is shared by the replicas through Redis: set on one, scored and reported on another', async () => {
    const model = uniqueName('replicated');
    const primary = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    const challenger = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await setAlias(h.registry, model, 'challenger', challenger);
    await untilServing(h.serving, model, primary, { challenger });
    const replica = await h.startServing();
    await untilServing(replica, model, primary, { challenger });

    const set = await shadow(model, 'PUT', { alias: 'challenger', fraction: 1 });
    expect(set.body).toMatchObject({ alias: 'challenger', loadedVersion: challenger });
    await eventually(async () =>
      (await replica.request('GET', `/v1/models/${model}/shadow`)).body.loadedVersion === challenger ? true : undefined,
    );
    for (let i = 0; i < 4; i++) {
      const res = await replica.request('POST', `/v1/models/${model}/predict`, { body: { instances: records(rowsOf(5, i)) } });
      expect(res.status).toBe(200);
    }
    const r = await eventually(async () => {
      const body = await report(model);
      return body.calls.scored === 4 ? body : undefined;
    }).then((e) => e.value);
    expect(r).toMatchObject({ version: challenger, alias: 'challenger', instances: 20 });

    // Removed on one replica: the other stops shadowing and lets the version go.
    expect((await shadow(model, 'DELETE')).status).toBe(204);
    await eventually(async () => ((await replica.request('GET', `/v1/models/${model}/shadow`)).status === 404 ? true : undefined));
    // The replica drops the shadow from its loaded versions when it next reconciles, just after.
    const targets = async () =>
      (await replica.request('GET', `/v1/models/${model}`)).body.versions.flatMap((v: { targets: string[] }) => v.targets) as string[];
    await eventually(async () => ((await targets()).includes('shadow') ? undefined : true));
    expect(await targets()).toEqual(expect.arrayContaining(['production']));
    expect(await targets()).not.toContain('shadow');
  });

  it('refuses bad input with a 400 naming the field, unknown targets with a 404, and read-only callers with a 403', async () => {
    const model = uniqueName('shadow-input');
    const primary = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, primary);
    const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);
    for (const [body, field] of [
      [{ version: primary, fraction: 1.5 }, 'fraction'],
      [{ version: primary, fraction: -0.1 }, 'fraction'],
      [{ version: primary }, 'fraction'],
      [{ version: 'one', fraction: 0.5 }, 'version'],
      [{ alias: 'Not An Alias', fraction: 0.5 }, 'alias'],
      [{ version: primary, fraction: 0.5, tolerance: -1 }, 'tolerance'],
      [{ version: primary, alias: 'champion', fraction: 0.5 }, ''],
    ] as const) {
      const res = await shadow(model, 'PUT', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(fieldsOf(res.body).join(' ')).toContain(field);
    }
    const missing = await shadow(model, 'PUT', { version: '9.9.9', fraction: 0.5 });
    expect(missing.status).toBe(404);
    expect(fieldsOf(missing.body)).toEqual(['version']);
    const noAlias = await shadow(model, 'PUT', { alias: 'nobody', fraction: 0.5 });
    expect(noAlias.status).toBe(404);
    expect(fieldsOf(noAlias.body)).toEqual(['alias']);
    expect((await shadow(model, 'GET')).status).toBe(404);
    expect((await h.serving.request('GET', `/v1/models/${model}/shadow/report`)).status).toBe(404);
    expect((await shadow(model, 'DELETE')).status).toBe(404);

    expect((await shadow(model, 'PUT', { version: primary, fraction: 0.5 }, 'viewer')).status).toBe(403);
    expect((await shadow(model, 'PUT', { version: primary, fraction: 0.5 }, 'editor')).status).toBe(200);
    expect((await shadow(model, 'GET', undefined, 'viewer')).body).toMatchObject({ version: primary, fraction: 0.5 });
    expect((await h.serving.request('GET', `/v1/models/${model}/shadow/report`, { as: 'viewer' })).status).toBe(200);
    expect((await shadow(model, 'DELETE', undefined, 'viewer')).status).toBe(403);
    expect((await h.serving.request('GET', `/v1/models/${model}/shadow`, { as: null })).status).toBe(401);
  });
});
