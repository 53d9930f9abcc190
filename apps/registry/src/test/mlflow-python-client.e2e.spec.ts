import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { uniqueName } from './factories.js';

// The calls MLflow's Python client (2.x, the line whose log_model stores files as run artifacts)
// makes for
//
//   mlflow.set_experiment(exp)
//   with mlflow.start_run() as run:
//       mlflow.log_metric("auc", 0.91)
//       mlflow.onnx.log_model(model, "model", registered_model_name=name)
//   MlflowClient().set_registered_model_alias(name, "champion", "1")
//   MlflowClient().transition_model_version_stage(name, "1", "Production")
//   mlflow.pyfunc.load_model(f"models:/{name}@champion")   # and f"models:/{name}/Production"
//
// written down from the client's source: mlflow/tracking/fluent.py (start_run, log_metric),
// mlflow/models/model.py (Model.log: upload the directory, runs/log-model, then _register_model),
// mlflow/tracking/_model_registry/fluent.py (_register_model: registered-models/create, tolerating
// RESOURCE_ALREADY_EXISTS; runs:/ resolved with runs/get to the run's artifact_uri;
// model-versions/create; no polling when the status is READY), mlflow/store/model_registry/
// rest_store.py (bodies via message_to_json: unset fields left out, version as a string) and
// protos/model_registry.proto (HTTP methods; GET parameters in the query string),
// mlflow/store/artifact/models_artifact_repo.py and mlflow_artifacts_repo.py (loading a model).

let t: TestApp;
let editor: string;
let admin: string;
let viewer: string;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
  editor = (await t.request('POST', '/v1/api-keys', { body: { name: 'trainer', roles: ['editor'] } })).body.key;
  admin = (await t.request('POST', '/v1/api-keys', { body: { name: 'release', roles: ['admin'] } })).body.key;
  viewer = (await t.request('POST', '/v1/api-keys', { body: { name: 'inference', roles: ['viewer'] } })).body.key;
});
afterAll(() => t.close());

const call = (key: string, method: string, path: string, body?: unknown) =>
  t.request(method, `/api/2.0/mlflow/${path}`, { as: { bearer: key }, ...(body === undefined ? {} : { body }) });
const near = (ms: number) => Math.abs(ms - Date.now()) < 120_000;

describe("MLflow's Python client: train, log_model(registered_model_name=…), alias, transition to Production", () => {
  it('registers a normal Modelyard version from the run, then aliases and promotes it under our rules', async () => {
    const exp = uniqueName('churn-exp');
    const name = uniqueName('churn');
    // set_experiment: get-by-name (404), create; start_run: runs/create.
    expect((await call(editor, 'GET', `experiments/get-by-name?experiment_name=${exp}`)).status).toBe(404);
    const experimentId: string = (await call(editor, 'POST', 'experiments/create', { name: exp })).body.experiment_id;
    const created = await call(editor, 'POST', 'runs/create', {
      experiment_id: experimentId,
      start_time: 1733000000000,
      tags: [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
      ],
    });
    const runId: string = created.body.run.info.run_id;
    const artifactUri = `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
    expect(created.body.run.info.artifact_uri).toBe(artifactUri);

    // log_metric
    const metric = await call(editor, 'POST', 'runs/log-metric', {
      run_id: runId,
      run_uuid: runId,
      key: 'auc',
      value: 0.91,
      timestamp: 1733000001000,
      step: 0,
    });
    expect([metric.status, metric.body]).toEqual([200, {}]);

    // log_model: runs/get for the artifact_uri, the directory uploaded file by file, runs/log-model.
    expect((await call(editor, 'GET', `runs/get?run_uuid=${runId}&run_id=${runId}`)).body.run.info.artifact_uri).toBe(artifactUri);
    const proxy = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model`;
    const files: [string, string][] = [
      ['MLmodel', 'flavors:\n  onnx: {onnx_version: 1.17.0, data: model.onnx}\n'],
      ['model.onnx', 'onnx-bytes'],
      ['requirements.txt', 'onnx==1.17.0\n'],
    ];
    for (const [path, content] of files) {
      const put = await t.request('PUT', `${proxy}/${path}`, {
        as: { bearer: editor },
        raw: content,
        headers: { 'content-type': 'text/plain' },
      });
      expect(put.status).toBe(200);
    }
    const modelJson = JSON.stringify({ artifact_path: 'model', flavors: { onnx: {} }, run_id: runId });
    expect((await call(editor, 'POST', 'runs/log-model', { run_id: runId, model_json: modelJson })).body).toEqual({});

    // _register_model: registered-models/create, runs/get (runs:/ → artifact_uri), model-versions/create.
    const registered = await call(editor, 'POST', 'registered-models/create', { name });
    expect(registered.status).toBe(200);
    const rm = registered.body.registered_model;
    expect(registered.body).toEqual({
      registered_model: { name, creation_timestamp: rm.creation_timestamp, last_updated_timestamp: rm.last_updated_timestamp },
    });
    expect(near(rm.creation_timestamp)).toBe(true);
    expect(rm.last_updated_timestamp).toBeGreaterThanOrEqual(rm.creation_timestamp);
    const source = `${artifactUri}/model`;
    const mvCreated = await call(editor, 'POST', 'model-versions/create', { name, source, run_id: runId });
    expect(mvCreated.status).toBe(200);
    const mv = mvCreated.body.model_version;
    expect(mvCreated.body).toEqual({
      model_version: {
        name,
        version: '1',
        creation_timestamp: mv.creation_timestamp,
        last_updated_timestamp: mv.last_updated_timestamp,
        user_id: expect.stringMatching(/.+/),
        current_stage: 'None',
        source,
        run_id: runId,
        status: 'READY',
      },
    });
    expect(near(mv.creation_timestamp)).toBe(true);

    // A second log_model(registered_model_name=name): create answers RESOURCE_ALREADY_EXISTS (400),
    // which the client tolerates, then version 2.
    const again = await call(editor, 'POST', 'registered-models/create', { name });
    expect([again.status, again.body.error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    const second = await call(editor, 'POST', 'model-versions/create', { name, source, run_id: runId });
    expect(second.body.model_version).toMatchObject({ version: '2', current_stage: 'None', run_id: runId, status: 'READY' });

    // The run ends: runs/update.
    const ended = await call(editor, 'POST', 'runs/update', {
      run_id: runId,
      run_uuid: runId,
      status: 'FINISHED',
      end_time: 1733000009000,
    });
    expect(ended.body.run_info).toMatchObject({ run_id: runId, status: 'FINISHED' });

    // MlflowClient().set_registered_model_alias(name, "champion", "1")
    const alias = await call(editor, 'POST', 'registered-models/alias', { name, alias: 'champion', version: '1' });
    expect([alias.status, alias.body]).toEqual([200, {}]);

    // transition_model_version_stage(name, "1", "Production"): the editor's key may not (admin only),
    // and the refusal leaves the version where it was.
    const body = { name, version: '1', stage: 'Production', archive_existing_versions: false };
    const refused = await call(editor, 'POST', 'model-versions/transition-stage', body);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error_code: 'PERMISSION_DENIED', message: "this action needs the 'admin' scope" });
    expect((await call(editor, 'GET', `model-versions/get?name=${name}&version=1`)).body.model_version.current_stage).toBe('None');

    const moved = await call(admin, 'POST', 'model-versions/transition-stage', body);
    expect(moved.status).toBe(200);
    expect(moved.body.model_version).toEqual({
      ...mv,
      last_updated_timestamp: moved.body.model_version.last_updated_timestamp,
      current_stage: 'Production',
      aliases: ['champion'],
    });

    // What MLflow shows now.
    const got = (await call(editor, 'GET', `registered-models/get?name=${name}`)).body.registered_model;
    expect(got.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(got.latest_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage])).toEqual([
      ['2', 'None'],
      ['1', 'Production'],
    ]);
    const byAlias = await call(editor, 'GET', `registered-models/alias?name=${name}&alias=champion`);
    expect(byAlias.body.model_version).toMatchObject({ version: '1', current_stage: 'Production', aliases: ['champion'] });
    expect((await call(editor, 'GET', `model-versions/get-download-uri?name=${name}&version=1`)).body).toEqual({ artifact_uri: source });

    // mlflow.pyfunc.load_model("models:/<name>@champion") (mlflow/store/artifact/models_artifact_repo.py):
    // registered-models/alias, model-versions/get-download-uri, then the artifact proxy lists and reads.
    const loadVersion = (await call(viewer, 'GET', `registered-models/alias?name=${name}&alias=champion`)).body.model_version.version;
    const where = (await call(viewer, 'GET', `model-versions/get-download-uri?name=${name}&version=${loadVersion}`)).body.artifact_uri;
    expect(where).toBe(source);
    const proxyPath = where.slice('mlflow-artifacts:/'.length);
    const listing = await t.request('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${proxyPath}`, { as: { bearer: viewer } });
    expect(listing.body.files.map((f: { path: string }) => f.path)).toEqual(['MLmodel', 'model.onnx', 'requirements.txt']);
    const mlmodel = await t.request('GET', `/api/2.0/mlflow-artifacts/artifacts/${proxyPath}/MLmodel`, { as: { bearer: viewer } });
    expect(mlmodel.text).toBe(files[0]![1]);
    // "models:/<name>/Production": get-latest-versions with the stage, then the same download.
    const latest = await call(viewer, 'POST', 'registered-models/get-latest-versions', { name, stages: ['Production'] });
    expect(latest.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);

    // The same version through our API: a normal version with the run's files, its lineage, in production.
    const ours = await t.request('GET', `/v1/models/${name}/versions/1.0.0`);
    expect(ours.body).toMatchObject({
      version: '1.0.0',
      stage: 'production',
      lineage: { runId },
      run: { id: runId, metrics: [expect.objectContaining({ key: 'auc', value: 0.91 })] },
    });
    const artifacts = await t.request('GET', `/v1/models/${name}/versions/1.0.0/artifacts`);
    expect(artifacts.body.items.map((a: { path: string; size: number }) => [a.path, a.size])).toEqual([
      ['MLmodel', files[0]![1].length],
      ['model.onnx', 10],
      ['requirements.txt', 13],
    ]);
    const onnx = await t.request('GET', `/v1/models/${name}/versions/1.0.0/artifacts/model.onnx`);
    expect([onnx.status, onnx.text]).toEqual([200, 'onnx-bytes']);
    expect((await t.request('GET', `/v1/models/${name}/production`)).body.version).toBe('1.0.0');
    expect((await t.request('GET', `/v1/models/${name}/aliases/champion`)).body.version).toBe('1.0.0');

    // Every change is in the audit log, by the key that made it.
    const audit = await t.request('GET', `/v1/audit?model=${name}&limit=50`);
    const actions = audit.body.items.map((e: { action: string }) => e.action).reverse();
    expect(actions).toEqual([
      'model.created',
      'version.created',
      'version.created',
      'alias.set',
      'version.stage_changed',
      'version.promoted',
    ]);
    const promoted = audit.body.items[0];
    expect(promoted.reason).toBe('MLflow transition-stage to Production');
    expect(promoted.actor).not.toBe(audit.body.items.at(-1).actor);
  });
});
