import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, uniqueName } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

async function project(name = uniqueName('proj')) {
  const res = await t.request('POST', '/v1/projects', { body: { name, tags: [{ key: 'team', value: 'growth' }] } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function run(projectId: string, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/v1/projects/${projectId}/runs`, { body });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const logBatch = (runId: string, body: unknown) => t.request('POST', `/v1/runs/${runId}/log-batch`, { body });

describe('projects and runs', () => {
  it('creates a project with its artifact location and a run in it', async () => {
    const name = uniqueName('proj');
    const res = await t.request('POST', '/v1/projects', { body: { name } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, artifactLocation: `mlflow-artifacts:/${res.body.id}`, lifecycle: 'active', tags: [] });
    const dup = await t.request('POST', '/v1/projects', { body: { name } });
    expect(dup.status).toBe(409);
    const created = await t.request('POST', `/v1/projects/${res.body.id}/runs`, { body: { name: 'first', startTime: 1700000000000 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      projectId: res.body.id,
      name: 'first',
      status: 'RUNNING',
      userId: 'test-admin',
      startTime: 1700000000000,
      endTime: null,
      lifecycle: 'active',
      params: [],
      metrics: [],
      tags: [{ key: 'mlflow.runName', value: 'first' }],
    });
    expect(created.body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.body.artifactUri).toBe(`mlflow-artifacts:/${res.body.id}/${created.body.id}/artifacts`);
    const finished = await t.request('PATCH', `/v1/runs/${created.body.id}`, { body: { status: 'FINISHED', endTime: 1700000005000 } });
    expect(finished.body).toMatchObject({ status: 'FINISHED', endTime: 1700000005000 });
  });

  it('logs a batch: metric series with the latest point per key, immutable params, tags', async () => {
    const r = await run(await project());
    const metrics = [
      { key: 'loss', value: 0.9, step: 0, timestamp: 1000 },
      { key: 'loss', value: 0.5, step: 2, timestamp: 1002 },
      { key: 'loss', value: 0.7, step: 1, timestamp: 1001 },
      { key: 'auc', value: 'NaN', step: 0, timestamp: 1000 },
    ];
    const res = await logBatch(r, { metrics, params: [{ key: 'depth', value: '6' }], tags: [{ key: 'team', value: 'growth' }] });
    expect(res.status).toBe(204);
    const got = (await t.request('GET', `/v1/runs/${r}`)).body;
    expect(got.metrics).toEqual([
      { key: 'auc', value: 'NaN', step: 0, timestamp: 1000 },
      { key: 'loss', value: 0.5, step: 2, timestamp: 1002 },
    ]);
    expect(got.params).toEqual([{ key: 'depth', value: '6' }]);
    expect(got.tags).toContainEqual({ key: 'team', value: 'growth' });
    // An older step does not replace the latest point; the same param value again is accepted.
    expect(
      (await logBatch(r, { metrics: [{ key: 'loss', value: 0.1, step: 1, timestamp: 5000 }], params: [{ key: 'depth', value: '6' }] }))
        .status,
    ).toBe(204);
    expect((await t.request('GET', `/v1/runs/${r}`)).body.metrics[1]).toEqual({ key: 'loss', value: 0.5, step: 2, timestamp: 1002 });
    const changed = await logBatch(r, { params: [{ key: 'depth', value: '7' }], metrics: [{ key: 'x', value: 1, step: 0, timestamp: 1 }] });
    expect(changed.status).toBe(409);
    expect(changed.body.detail).toMatch(/param 'depth'/);
    // The refused batch stored nothing, not even its metric.
    expect((await t.request('GET', `/v1/runs/${r}`)).body.metrics.map((m: { key: string }) => m.key)).toEqual(['auc', 'loss']);
    const history = await t.request('GET', `/v1/runs/${r}/metrics/loss?limit=2`);
    expect(history.body.items).toEqual([
      { key: 'loss', value: 0.9, step: 0, timestamp: 1000 },
      { key: 'loss', value: 0.7, step: 1, timestamp: 1001 },
    ]);
    const page2 = await t.request('GET', `/v1/runs/${r}/metrics/loss?limit=2&cursor=${history.body.nextCursor}`);
    expect(page2.body.items).toEqual([
      { key: 'loss', value: 0.1, step: 1, timestamp: 5000 },
      { key: 'loss', value: 0.5, step: 2, timestamp: 1002 },
    ]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('refuses bad batches naming the field, and unknown runs', async () => {
    const r = await run(await project());
    const bad = await logBatch(r, { metrics: [{ key: 'loss', value: 'x', step: 0, timestamp: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('metrics.0.value');
    const tooMany = await logBatch(r, { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'k', value: i, step: i, timestamp: 1 })) });
    expect(tooMany.status).toBe(400);
    expect((await logBatch('0'.repeat(32), { params: [] })).status).toBe(404);
    expect((await t.request('GET', '/v1/runs/not-a-run')).status).toBe(400);
    expect((await t.request('POST', `/v1/runs/${r}/log-batch`, { body: {}, as: 'viewer' })).status).toBe(403);
    expect((await t.request('GET', `/v1/runs/${r}`, { as: null })).status).toBe(401);
  });
});

describe('run search', () => {
  it('filters on latest metrics, params, tags and attributes, ordered and paginated', async () => {
    const p = await project();
    const ids: string[] = [];
    for (const [i, auc] of [0.95, 0.85, 0.92, 0.99].entries()) {
      const r = await run(p, { name: `r${i}`, startTime: 1000 + i });
      ids.push(r);
      await logBatch(r, {
        metrics: [{ key: 'auc', value: auc, step: 1, timestamp: 1 }],
        params: [{ key: 'depth', value: i === 1 ? '4' : '6' }],
        tags: [{ key: 'team', value: i === 3 ? 'search' : 'growth' }],
      });
    }
    await t.request('PATCH', `/v1/runs/${ids[2]}`, { body: { status: 'FINISHED' } });
    const search = (body: Record<string, unknown>) => t.request('POST', '/v1/runs/search', { body: { projectIds: [p], ...body } });
    const res = await search({
      filter: "metrics.auc > 0.9 and params.depth = '6' and tags.team = 'growth'",
      orderBy: ['metrics.auc DESC'],
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2]]);
    const finished = await search({ filter: "status = 'FINISHED' and attributes.start_time >= 1000" });
    expect(finished.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2]]);
    const inList = await search({ filter: "tags.`team` IN ('search') and params.depth LIKE '6%'" });
    expect(inList.body.items.map((r: { id: string }) => r.id)).toEqual([ids[3]]);
    const page1 = await search({ orderBy: ['start_time ASC'], limit: 3 });
    expect(page1.body.items.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 3));
    const page2 = await search({ orderBy: ['start_time ASC'], limit: 3, cursor: page1.body.nextCursor });
    expect(page2.body.items.map((r: { id: string }) => r.id)).toEqual([ids[3]]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('answers a filter that does not parse with a 400 naming the position, and never runs user text as SQL', async () => {
    const bad = await t.request('POST', '/v1/runs/search', { body: { filter: 'metrics.auc >> 0.9' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'filter', in: 'body', message: 'at position 13: expected a number' }]);
    const unknown = await t.request('POST', '/v1/runs/search', { body: { filter: 'metrix.auc > 1' } });
    expect(unknown.body.errors[0].message).toBe("at position 0: unknown entity 'metrix' (metrics, params, tags or attributes)");
    const order = await t.request('POST', '/v1/runs/search', { body: { orderBy: ['metrics.auc SIDEWAYS'] } });
    expect(order.body.errors[0].field).toBe('orderBy.0');
    const p = await project();
    const r = await run(p);
    await logBatch(r, { params: [{ key: 'x', value: "a' OR '1'='1" }] });
    const injected = await t.request('POST', '/v1/runs/search', { body: { projectIds: [p], filter: "params.x = 'a'' OR ''1''=''1'" } });
    expect(injected.body.items.map((x: { id: string }) => x.id)).toEqual([r]);
    const none = await t.request('POST', '/v1/runs/search', { body: { projectIds: [p], filter: "params.x = 'a' OR '1'='1'" } });
    expect(none.status).toBe(400);
  });
});

describe('run artifacts and version lineage', () => {
  it('stores run files content-addressed and links a version to its run, showing params and metrics', async () => {
    const r = await run(await project());
    const put = await t.request('PUT', `/v1/runs/${r}/artifacts/model/weights.bin`, {
      raw: Buffer.from('weights'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      path: 'model/weights.bin',
      size: 7,
      sha256: '9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c',
    });
    const got = await t.request('GET', `/v1/runs/${r}/artifacts/model/weights.bin`);
    expect(got.text).toBe('weights');
    expect((await t.request('GET', `/v1/runs/${r}/artifacts`)).body.items.map((i: { path: string }) => i.path)).toEqual([
      'model/weights.bin',
    ]);

    await logBatch(r, { metrics: [{ key: 'auc', value: 0.91, step: 3, timestamp: 9 }], params: [{ key: 'depth', value: '6' }] });
    const m = await createModel(t);
    const v = await t.request('POST', `/v1/models/${m}/versions`, { body: { lineage: { runId: r } } });
    expect(v.status).toBe(201);
    expect(v.body.lineage.runId).toBe(r);
    const one = await t.request('GET', `/v1/models/${m}/versions/${v.body.version}`);
    expect(one.body.run).toEqual({
      id: r,
      url: `/v1/runs/${r}`,
      name: expect.any(String),
      status: 'RUNNING',
      params: [{ key: 'depth', value: '6' }],
      metrics: [{ key: 'auc', value: 0.91, step: 3, timestamp: 9 }],
    });
    const missing = await t.request('POST', `/v1/models/${m}/versions`, { body: { lineage: { runId: 'f'.repeat(32) } } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('lineage.runId');
  });
});
