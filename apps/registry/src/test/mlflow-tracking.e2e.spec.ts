import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { uniqueName } from './factories.js';

// Replays of what MLflow's Python client sends (mlflow/store/tracking/rest_store.py,
// mlflow/tracking/fluent.py, mlflow/store/artifact/mlflow_artifacts_repo.py): int64 fields as JSON
// numbers, run_uuid beside run_id, GET parameters in the query string, artifacts PUT with the
// file's guessed media type. Responses are checked field by field against MLflow's shapes.

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
  // MLFLOW_TRACKING_TOKEN is sent as `Authorization: Bearer <token>`: an API key must work there.
  const created = await t.request('POST', '/v1/api-keys', { body: { name: 'mlflow', roles: ['editor'] } });
  key = created.body.key;
});
afterAll(() => t.close());

const api = (method: string, path: string, body?: unknown) =>
  t.request(method, `/api/2.0/mlflow/${path}`, { as: { bearer: key }, ...(body === undefined ? {} : { body }) });

describe('mlflow.set_experiment(name) then mlflow.start_run()', () => {
  it('get-by-name answers RESOURCE_DOES_NOT_EXIST, create, get, then runs/create in it', async () => {
    const name = uniqueName('exp');
    const missing = await api('GET', `experiments/get-by-name?experiment_name=${name}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `project '${name}' does not exist` });

    const created = await api('POST', 'experiments/create', { name });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(['experiment_id']);
    const id = created.body.experiment_id;
    expect(id).toMatch(/^\d+$/);

    const got = await api('GET', `experiments/get?experiment_id=${id}`);
    expect(got.status).toBe(200);
    const exp = got.body.experiment;
    expect(exp).toEqual({
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      last_update_time: expect.any(Number),
      creation_time: expect.any(Number),
    });
    expect(Math.abs(exp.creation_time - Date.now())).toBeLessThan(60_000);

    const tags = [
      { key: 'mlflow.user', value: 'alice' },
      { key: 'mlflow.source.name', value: 'train.py' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
    ];
    const run = await api('POST', 'runs/create', {
      experiment_id: id,
      user_id: 'alice',
      start_time: 1733000000000,
      tags,
      run_name: 'clever-fox-7',
    });
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id;
    expect(run.body).toEqual({
      run: {
        info: {
          run_id: runId,
          run_uuid: runId,
          run_name: 'clever-fox-7',
          experiment_id: id,
          user_id: 'alice',
          status: 'RUNNING',
          start_time: 1733000000000,
          artifact_uri: `mlflow-artifacts:/${id}/${runId}/artifacts`,
          lifecycle_stage: 'active',
        },
        data: { tags: [...tags, { key: 'mlflow.runName', value: 'clever-fox-7' }].sort((a, b) => (a.key < b.key ? -1 : 1)) },
        inputs: {},
      },
    });
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    const dup = await api('POST', 'experiments/create', { name });
    expect(dup.status).toBe(400);
    expect(dup.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });
});

describe('log_param, log_metric, log_artifact, log_model, end_run', () => {
  it('replays the client calls and reads everything back', async () => {
    // No experiment set: the client logs to the default experiment "0".
    const created = await api('POST', 'runs/create', { experiment_id: '0', user_id: 'bob', start_time: 1733000000000, tags: [] });
    expect(created.status).toBe(200);
    const runId: string = created.body.run.info.run_id;
    expect(created.body.run.info.run_name).toMatch(/^run-[0-9a-f]{8}$/);

    expect((await api('POST', 'runs/log-parameter', { run_uuid: runId, run_id: runId, key: 'depth', value: '6' })).body).toEqual({});
    for (const [step, value] of [0.5, 0.7, 0.9].entries()) {
      const res = await api('POST', 'runs/log-metric', {
        run_uuid: runId,
        run_id: runId,
        key: 'auc',
        value,
        timestamp: 1733000001000 + step,
        step,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    }
    const batch = await api('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'loss', value: 0.25, timestamp: 1733000002000, step: 0 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'team', value: 'growth' }],
    });
    expect(batch.body).toEqual({});
    expect((await api('POST', 'runs/set-tag', { run_uuid: runId, run_id: runId, key: 'tmp', value: 'x' })).body).toEqual({});
    expect((await api('POST', 'runs/delete-tag', { run_id: runId, key: 'tmp' })).body).toEqual({});

    // log_artifact: get the run for its artifact_uri, then PUT through the artifact proxy.
    const forUri = await api('GET', `runs/get?run_uuid=${runId}&run_id=${runId}`);
    const uri: string = forUri.body.run.info.artifact_uri;
    expect(uri).toBe(`mlflow-artifacts:/0/${runId}/artifacts`);
    const proxy = `/api/2.0/mlflow-artifacts/artifacts/${uri.slice('mlflow-artifacts:/'.length)}`;
    const put = (path: string, content: string, type?: string) =>
      t.request('PUT', `${proxy}/${path}`, { as: { bearer: key }, raw: content, headers: type ? { 'content-type': type } : {} });
    expect((await put('notes.txt', 'hello', 'text/plain')).status).toBe(200);
    // log_model writes the model directory file by file (a JSON file stays bytes, never parsed).
    expect((await put('model/MLmodel', 'flavors: {}\n', 'application/octet-stream')).status).toBe(200);
    expect((await put('model/conda.json', '{"a": 1 }', 'application/json')).status).toBe(200);
    expect((await put('model/model.pkl', 'pickle')).status).toBe(200);
    const modelJson = JSON.stringify({ artifact_path: 'model', flavors: { sklearn: {} }, run_id: runId });
    expect((await api('POST', 'runs/log-model', { run_id: runId, model_json: modelJson })).body).toEqual({});

    const json = await t.request('GET', `${proxy}/model/conda.json`, { as: { bearer: key } });
    expect(json.text).toBe('{"a": 1 }');
    const list = await t.request('GET', `/api/2.0/mlflow-artifacts/artifacts?path=0/${runId}/artifacts/model`, { as: { bearer: key } });
    expect(list.body).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'conda.json', is_dir: false, file_size: 9 },
        { path: 'model.pkl', is_dir: false, file_size: 6 },
      ],
    });
    const listed = await api('GET', `artifacts/list?run_id=${runId}`);
    expect(listed.body).toEqual({
      root_uri: uri,
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 5 },
      ],
    });
    const sub = await api('GET', `artifacts/list?run_id=${runId}&path=model`);
    expect(sub.body.files.map((f: { path: string }) => f.path)).toEqual(['model/MLmodel', 'model/conda.json', 'model/model.pkl']);

    const ended = await api('POST', 'runs/update', { run_uuid: runId, run_id: runId, status: 'FINISHED', end_time: 1733000009000 });
    expect(ended.body.run_info).toMatchObject({ run_id: runId, status: 'FINISHED', end_time: 1733000009000 });

    const run = (await api('GET', `runs/get?run_id=${runId}`)).body.run;
    expect(run.data.metrics).toEqual([
      { key: 'auc', value: 0.9, timestamp: 1733000001002, step: 2 },
      { key: 'loss', value: 0.25, timestamp: 1733000002000, step: 0 },
    ]);
    expect(run.data.params).toEqual([
      { key: 'depth', value: '6' },
      { key: 'lr', value: '0.1' },
    ]);
    expect(run.data.tags.map((x: { key: string }) => x.key)).toEqual(['mlflow.log-model.history', 'mlflow.runName', 'team']);
    expect(JSON.parse(run.data.tags[0].value)).toEqual([JSON.parse(modelJson)]);

    const history = await api('GET', `metrics/get-history?run_id=${runId}&run_uuid=${runId}&metric_key=auc`);
    expect(history.body).toEqual({
      metrics: [
        { key: 'auc', value: 0.5, timestamp: 1733000001000, step: 0 },
        { key: 'auc', value: 0.7, timestamp: 1733000001001, step: 1 },
        { key: 'auc', value: 0.9, timestamp: 1733000001002, step: 2 },
      ],
    });
    const paged = await api('GET', `metrics/get-history?run_id=${runId}&metric_key=auc&max_results=2`);
    expect(paged.body.metrics).toHaveLength(2);
    const rest = await api(
      'GET',
      `metrics/get-history?run_id=${runId}&metric_key=auc&max_results=2&page_token=${paged.body.next_page_token}`,
    );
    expect(rest.body).toEqual({ metrics: [{ key: 'auc', value: 0.9, timestamp: 1733000001002, step: 2 }] });

    const found = await api('POST', 'runs/search', {
      experiment_ids: ['0'],
      filter: "metrics.auc > 0.8 and params.depth = '6' and tags.team = 'growth' and attributes.status = 'FINISHED'",
      run_view_type: 'ACTIVE_ONLY',
      max_results: 10,
      order_by: ['metrics.auc DESC'],
    });
    expect(found.status).toBe(200);
    expect(found.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
    expect(found.body.next_page_token).toBeUndefined();
  });
});

describe("MLflow's conventions", () => {
  it('ignores unknown fields, takes int64 as strings, and answers MLflow error codes', async () => {
    const exp = (await api('POST', 'experiments/create', { name: uniqueName('exp'), some_future_field: 1 })).body.experiment_id;
    const run = await api('POST', 'runs/create', { experiment_id: Number(exp), start_time: '1733000000000', extra: { x: 1 } });
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id;
    expect(run.body.run.info.start_time).toBe(1733000000000);

    await api('POST', 'runs/log-parameter', { run_id: runId, key: 'depth', value: '6' });
    const changed = await api('POST', 'runs/log-parameter', { run_id: runId, key: 'depth', value: '7' });
    expect(changed.status).toBe(400);
    expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.body.message).toMatch(/param 'depth'/);

    const bad = await api('POST', 'runs/log-metric', { run_id: runId, key: 'x', value: 'high', timestamp: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.body.message).toMatch(/^value:/);

    const filter = await api('POST', 'runs/search', { experiment_ids: [exp], filter: 'metrics.auc >' });
    expect(filter.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'filter: at position 13: expected a number' });

    const unknownRun = await api('GET', `runs/get?run_id=${'a'.repeat(32)}`);
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    const notServed = await api('POST', 'traces', {});
    expect(notServed.status).toBe(404);
    expect(notServed.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect((await api('GET', 'gateway-proxy')).body.error_code).toBe('ENDPOINT_NOT_FOUND');

    const ajax = await t.request('GET', `/ajax-api/2.0/mlflow/runs/get?run_id=${runId}`, { as: { bearer: key } });
    expect(ajax.status).toBe(200);
    expect(ajax.body.run.info.run_id).toBe(runId);
  });

  it('deletes and restores experiments and runs, and search views follow', async () => {
    const exp = (await api('POST', 'experiments/create', { name: uniqueName('exp'), tags: [{ key: 'team', value: 'growth' }] })).body
      .experiment_id;
    const runId = (await api('POST', 'runs/create', { experiment_id: exp, start_time: 1 })).body.run.info.run_id;
    expect((await api('POST', 'runs/delete', { run_id: runId })).body).toEqual({});
    const view = (type: string) => api('POST', 'runs/search', { experiment_ids: [exp], run_view_type: type });
    expect((await view('ACTIVE_ONLY')).body).toEqual({});
    expect((await view('DELETED_ONLY')).body.runs[0].info.lifecycle_stage).toBe('deleted');
    const logDeleted = await api('POST', 'runs/log-metric', { run_id: runId, key: 'x', value: 1, timestamp: 1 });
    expect(logDeleted.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await api('POST', 'runs/restore', { run_id: runId })).body).toEqual({});
    expect((await view('ACTIVE_ONLY')).body.runs).toHaveLength(1);

    const newName = uniqueName('renamed');
    expect((await api('POST', 'experiments/update', { experiment_id: exp, new_name: newName })).body).toEqual({});
    expect((await api('POST', 'experiments/set-experiment-tag', { experiment_id: exp, key: 'owner', value: 'ml' })).body).toEqual({});
    const byName = await api('GET', `experiments/get-by-name?experiment_name=${newName}`);
    expect(byName.body.experiment.tags).toEqual([
      { key: 'owner', value: 'ml' },
      { key: 'team', value: 'growth' },
    ]);
    expect((await api('POST', 'experiments/delete', { experiment_id: exp })).body).toEqual({});
    const deleted = await api('POST', 'experiments/search', { view_type: 'DELETED_ONLY', filter: `name = '${newName}'` });
    expect(deleted.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual([exp]);
    expect((await api('POST', 'experiments/search', { filter: `name = '${newName}'` })).body).toEqual({});
    expect((await api('POST', 'experiments/restore', { experiment_id: exp })).body).toEqual({});
    const like = await api('POST', 'experiments/search', { filter: `name LIKE '${newName.slice(0, 10)}%'`, max_results: 5 });
    expect(like.body.experiments.map((e: { name: string }) => e.name)).toContain(newName);
    const all = await api('GET', 'experiments/search?max_results=1');
    expect(all.body.experiments).toHaveLength(1);
    expect(all.body.experiments[0].name).toBe('Default');
    expect(all.body.next_page_token).toEqual(expect.any(String));
  });

  it('refuses a missing or unknown credential and a read-only key on writes', async () => {
    const anonymous = await t.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { as: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error_code: 'UNAUTHENTICATED', message: expect.any(String) });
    const viewer = await t.request('POST', '/v1/api-keys', { body: { name: 'ro', roles: ['viewer'] } });
    const read = await t.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { as: { bearer: viewer.body.key } });
    expect(read.body.experiment.name).toBe('Default');
    const write = await t.request('POST', '/api/2.0/mlflow/experiments/create', { as: { bearer: viewer.body.key }, body: { name: 'x' } });
    expect(write.status).toBe(403);
    expect(write.body).toEqual({ error_code: 'PERMISSION_DENIED', message: "this action needs the 'write' scope" });
  });
});
