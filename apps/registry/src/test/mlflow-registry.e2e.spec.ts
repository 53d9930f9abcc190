import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { uniqueName } from './factories.js';

// Request/response pairs of MLflow's REST API documentation for the model registry
// (mlflow.org/docs/latest/rest-api.html, "Registered Models" and "Model Versions"; methods and
// fields from protos/model_registry.proto), replayed and checked field by field, with the error
// codes and statuses of mlflow/exceptions.py.

let t: TestApp;
let editor: string;
let admin: string;
let viewer: string;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
  const key = async (roles: string[]) => (await t.request('POST', '/v1/api-keys', { body: { name: roles[0], roles } })).body.key as string;
  editor = await key(['editor']);
  admin = await key(['admin']);
  viewer = await key(['viewer']);
});
afterAll(() => t.close());

const api = (method: string, path: string, body?: unknown, key = editor) =>
  t.request(method, `/api/2.0/mlflow/${path}`, { as: { bearer: key }, ...(body === undefined ? {} : { body }) });
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A finished run with a model directory uploaded through the artifact proxy, as log_model leaves it. */
async function runWithModel() {
  const exp = (await api('POST', 'experiments/create', { name: uniqueName('reg-exp') })).body.experiment_id as string;
  const runId = (await api('POST', 'runs/create', { experiment_id: exp, start_time: 1733000000000 })).body.run.info.run_id as string;
  for (const [path, content] of [
    ['model/MLmodel', 'flavors: {}\n'],
    ['model/model.onnx', 'onnx'],
  ]) {
    const put = await t.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/${path}`, {
      as: { bearer: editor },
      raw: content!,
    });
    expect(put.status).toBe(200);
  }
  return { exp, runId, uri: `mlflow-artifacts:/${exp}/${runId}/artifacts` };
}

describe('registered models', () => {
  it('create, get, update, rename, set-tag, delete-tag, delete, with MLflow errors', async () => {
    const name = uniqueName('rm');
    const created = await api('POST', 'registered-models/create', {
      name,
      description: 'churn model',
      tags: [
        { key: 'team', value: 'growth' },
        { key: 'task', value: 'classification' },
      ],
      deployment_job_id: 'ignored', // a field this server does not know: ignored, as MLflow does
    });
    expect(created.status).toBe(200);
    const rm = created.body.registered_model;
    expect(created.body).toEqual({
      registered_model: {
        name,
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
        description: 'churn model',
        tags: [
          { key: 'task', value: 'classification' },
          { key: 'team', value: 'growth' },
        ],
      },
    });
    const duplicate = await api('POST', 'registered-models/create', { name });
    expect([duplicate.status, duplicate.body.error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    expect((await api('GET', `registered-models/get?${q({ name })}`)).body).toEqual(created.body);
    const missing = await api('GET', `registered-models/get?${q({ name: 'no such model' })}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "model 'no such model' does not exist" });

    const updated = await api('PATCH', 'registered-models/update', { name, description: 'churn v2' });
    expect(updated.body.registered_model).toMatchObject({ name, description: 'churn v2', creation_timestamp: rm.creation_timestamp });

    expect((await api('POST', 'registered-models/set-tag', { name, key: 'team', value: 'risk' })).body).toEqual({});
    expect((await api('DELETE', 'registered-models/delete-tag', { name, key: 'task' })).body).toEqual({});
    expect((await api('GET', `registered-models/get?${q({ name })}`)).body.registered_model.tags).toEqual([{ key: 'team', value: 'risk' }]);
    const noTag = await api('DELETE', `registered-models/delete-tag?${q({ name, key: 'task' })}`);
    expect([noTag.status, noTag.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);

    // Renaming and deleting are admin actions here (other services name models).
    const newName = `${name}-renamed`;
    const editorRename = await api('POST', 'registered-models/rename', { name, new_name: newName });
    expect([editorRename.status, editorRename.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const renamed = await api('POST', 'registered-models/rename', { name, new_name: newName }, admin);
    expect(renamed.body.registered_model).toMatchObject({ name: newName, description: 'churn v2', tags: [{ key: 'team', value: 'risk' }] });
    expect((await api('GET', `registered-models/get?${q({ name })}`)).status).toBe(404);
    const badName = await api('POST', 'registered-models/create', { name: 'has spaces' });
    expect(badName.status).toBe(400);
    expect(badName.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(badName.body.message).toMatch(/^name: /);

    const editorDelete = await api('DELETE', 'registered-models/delete', { name: newName });
    expect(editorDelete.status).toBe(403);
    expect((await api('DELETE', 'registered-models/delete', { name: newName }, admin)).body).toEqual({});
    expect((await api('GET', `registered-models/get?${q({ name: newName })}`)).status).toBe(404);

    const audit = await t.request('GET', `/v1/audit?model=${newName}&limit=10`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['model.deleted', 'model.renamed']);
  });

  it('search: name filters, order_by, max_results and page_token (POST body and GET query string)', async () => {
    const prefix = uniqueName('srch');
    for (const suffix of ['a', 'b', 'c']) await api('POST', 'registered-models/create', { name: `${prefix}-${suffix}` });
    const first = await api(
      'POST',
      'registered-models/search',
      { filter: `name LIKE '${prefix}%'`, max_results: 2, order_by: ['name DESC'] },
      viewer,
    );
    expect(first.status).toBe(200);
    expect(first.body.registered_models.map((m: { name: string }) => m.name)).toEqual([`${prefix}-c`, `${prefix}-b`]);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await api(
      'GET',
      `registered-models/search?${q({ filter: `name LIKE '%${prefix.slice(5)}%'`, max_results: '2', order_by: 'name DESC', page_token: first.body.next_page_token })}`,
    );
    expect(second.body).toEqual({ registered_models: [expect.objectContaining({ name: `${prefix}-a` })] });
    const exact = await api('GET', `registered-models/search?${q({ filter: `name = '${prefix}-b'` })}`);
    expect(exact.body.registered_models.map((m: { name: string }) => m.name)).toEqual([`${prefix}-b`]);
    expect((await api('GET', `registered-models/search?${q({ filter: `name = 'nothing-${prefix}'` })}`)).body).toEqual({});

    const badFilter = await api('GET', `registered-models/search?${q({ filter: 'tags.x > 3' })}`);
    expect([badFilter.status, badFilter.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const badOrder = await api('GET', `registered-models/search?${q({ order_by: 'owner DESC' })}`);
    expect([badOrder.status, badOrder.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const badToken = await api('GET', `registered-models/search?${q({ page_token: 'not-a-token!' })}`);
    expect([badToken.status, badToken.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });
});

describe('model versions', () => {
  it('create from runs:/, an artifact URI or elsewhere; get, update, tags, search, download URI', async () => {
    const name = uniqueName('mv');
    await api('POST', 'registered-models/create', { name });
    const { runId, uri } = await runWithModel();
    const fromRun = await api('POST', 'model-versions/create', {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
      run_link: 'http://mlflow.example/run',
      description: 'first',
      tags: [{ key: 'data', value: 'jan' }],
    });
    expect(fromRun.status).toBe(200);
    expect(fromRun.body).toEqual({
      model_version: {
        name,
        version: '1',
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
        user_id: expect.any(String),
        current_stage: 'None',
        description: 'first',
        source: `runs:/${runId}/model`,
        run_id: runId,
        run_link: 'http://mlflow.example/run',
        status: 'READY',
        tags: [{ key: 'data', value: 'jan' }],
      },
    });
    const elsewhere = await api('POST', 'model-versions/create', { name, source: 's3://bucket/models/churn' });
    expect(elsewhere.body.model_version).toEqual({
      name,
      version: '2',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      user_id: expect.any(String),
      current_stage: 'None',
      source: 's3://bucket/models/churn',
      status: 'READY',
    });
    const viaProxy = await api('POST', 'model-versions/create', { name, source: `${uri}/model`, run_uuid: 'ignored' });
    expect(viaProxy.body.model_version).toMatchObject({ version: '3', source: `${uri}/model`, run_id: runId });

    const oneFile = await api('POST', 'model-versions/create', { name, source: `runs:/${runId}/model/model.onnx` });
    expect(oneFile.body.model_version).toMatchObject({ version: '4', run_id: runId });
    const oneFileArtifacts = await t.request('GET', `/v1/models/${name}/versions/1.0.3/artifacts`);
    expect(oneFileArtifacts.body.items.map((a: { path: string }) => a.path)).toEqual(['model.onnx']);

    const otherRun = await api('POST', 'model-versions/create', { name, source: `${uri}/model`, run_id: 'f'.repeat(32) });
    expect([otherRun.status, otherRun.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const emptyPath = await api('POST', 'model-versions/create', { name, source: `runs:/${runId}/nothing-here` });
    expect([emptyPath.status, emptyPath.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const noModel = await api('POST', 'model-versions/create', { name: `${name}-x`, source: 's3://b/m' });
    expect([noModel.status, noModel.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);

    // get (version as a string of an integer; MLflow's client sends str(version))
    expect((await api('GET', `model-versions/get?${q({ name, version: '1' })}`)).body).toEqual(fromRun.body);
    expect((await api('GET', `model-versions/get?${q({ name, version: '9' })}`)).status).toBe(404);
    expect((await api('GET', `model-versions/get?${q({ name, version: 'one' })}`)).body.error_code).toBe('INVALID_PARAMETER_VALUE');

    const updated = await api('PATCH', 'model-versions/update', { name, version: '2', description: 'from s3' });
    expect(updated.body.model_version).toMatchObject({ version: '2', description: 'from s3' });
    expect((await api('POST', 'model-versions/set-tag', { name, version: '2', key: 'origin', value: 's3' })).body).toEqual({});
    expect((await api('POST', 'model-versions/set-tag', { name, version: '1', key: 'data', value: 'feb' })).body).toEqual({});
    expect((await api('DELETE', 'model-versions/delete-tag', { name, version: '3', key: 'absent' })).status).toBe(404);

    const byName = await api('GET', `model-versions/search?${q({ filter: `name='${name}'` })}`, undefined, viewer);
    expect(byName.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['4', '3', '2', '1']);
    const byRun = await api('POST', 'model-versions/search', { filter: `run_id = '${runId}'`, order_by: ['version_number ASC'] }, viewer);
    expect(byRun.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1', '3', '4']);
    const byTag = await api('GET', `model-versions/search?${q({ filter: `name = '${name}' AND tags.data = 'feb'` })}`);
    expect(byTag.body.model_versions.map((v: { version: string; tags: unknown }) => [v.version, v.tags])).toEqual([
      ['1', [{ key: 'data', value: 'feb' }]],
    ]);
    const paged = await api('GET', `model-versions/search?${q({ filter: `name='${name}'`, max_results: '3' })}`);
    expect(paged.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['4', '3', '2']);
    const rest = await api(
      'GET',
      `model-versions/search?${q({ filter: `name='${name}'`, max_results: '3', page_token: paged.body.next_page_token })}`,
    );
    expect(rest.body).toEqual({ model_versions: [expect.objectContaining({ version: '1' })] });

    const download = async (version: string) => (await api('GET', `model-versions/get-download-uri?${q({ name, version })}`)).body;
    expect(await download('1')).toEqual({ artifact_uri: `${uri}/model` });
    expect(await download('2')).toEqual({ artifact_uri: 's3://bucket/models/churn' });

    // MLflow's web UI calls the same API under /ajax-api.
    const ajax = await t.request('GET', `/ajax-api/2.0/mlflow/model-versions/get?${q({ name, version: '2' })}`, { as: { bearer: viewer } });
    expect(ajax.body.model_version).toMatchObject({ version: '2', description: 'from s3', tags: [{ key: 'origin', value: 's3' }] });
  });

  it('transition-stage walks our lifecycle: archive_existing_versions, one production version, stage names in any case', async () => {
    const name = uniqueName('stages');
    await api('POST', 'registered-models/create', { name });
    for (let i = 0; i < 3; i++) await api('POST', 'model-versions/create', { name, source: `s3://b/m${i}` });
    const move = (version: string, stage: string, archive = false, key = admin) =>
      api('POST', 'model-versions/transition-stage', { name, version, stage, archive_existing_versions: archive }, key);
    const stageOf = async (version: string) =>
      (await api('GET', `model-versions/get?${q({ name, version })}`)).body.model_version.current_stage;

    expect((await move('1', 'staging', false, editor)).body.model_version.current_stage).toBe('Staging');
    expect((await move('2', 'Staging', true, editor)).body.model_version.current_stage).toBe('Staging');
    expect([await stageOf('1'), await stageOf('2')]).toEqual(['Archived', 'Staging']);

    expect((await move('2', 'Production')).body.model_version.current_stage).toBe('Production');
    // Another version into Production archives the current one whatever archive_existing_versions says:
    // a model has one production version.
    expect((await move('3', 'PRODUCTION')).body.model_version.current_stage).toBe('Production');
    expect([await stageOf('2'), await stageOf('3')]).toEqual(['Archived', 'Production']);
    expect((await t.request('GET', `/v1/models/${name}/production`)).body.version).toBe('1.0.2');

    const latest = await api('POST', 'registered-models/get-latest-versions', { name }, viewer);
    expect(latest.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage])).toEqual([
      ['3', 'Production'],
      ['2', 'Archived'],
    ]);
    const onlyArchived = await api('GET', `registered-models/get-latest-versions?${q({ name, stages: 'Archived' })}`);
    expect(onlyArchived.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['2']);
    expect((await api('POST', 'registered-models/get-latest-versions', { name, stages: ['None'] })).body).toEqual({});

    const bogus = await move('1', 'Shipping');
    expect(bogus.status).toBe(400);
    expect(bogus.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'stage: Invalid Model Version stage: Shipping. Value must be one of None, Staging, Production, Archived.',
    });
    const archiveWrong = await move('1', 'Archived', true);
    expect([archiveWrong.status, archiveWrong.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    // Taking a version out of production is an admin action too.
    const editorOut = await move('3', 'Archived', false, editor);
    expect([editorOut.status, editorOut.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect(await stageOf('3')).toBe('Production');
  });

  it('aliases, and deleting versions (never the production one; its aliases go with it)', async () => {
    const name = uniqueName('alias');
    await api('POST', 'registered-models/create', { name });
    for (let i = 0; i < 2; i++) await api('POST', 'model-versions/create', { name, source: `s3://b/m${i}` });
    expect((await api('POST', 'registered-models/alias', { name, alias: 'challenger', version: '2' })).body).toEqual({});
    expect((await api('POST', 'registered-models/alias', { name, alias: 'champion', version: 1 })).body).toEqual({});
    const got = await api('GET', `registered-models/alias?${q({ name, alias: 'challenger' })}`);
    expect(got.body.model_version).toMatchObject({ name, version: '2', aliases: ['challenger'] });
    expect((await api('GET', `registered-models/get?${q({ name })}`)).body.registered_model.aliases).toEqual([
      { alias: 'challenger', version: '2' },
      { alias: 'champion', version: '1' },
    ]);
    const noVersion = await api('POST', 'registered-models/alias', { name, alias: 'x', version: '7' });
    expect([noVersion.status, noVersion.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);

    expect((await api('DELETE', 'registered-models/alias', { name, alias: 'champion' })).body).toEqual({});
    expect((await api('DELETE', 'registered-models/alias', { name, alias: 'champion' })).body).toEqual({});
    expect((await api('GET', `registered-models/alias?${q({ name, alias: 'champion' })}`)).status).toBe(404);

    await api('POST', 'model-versions/transition-stage', { name, version: '1', stage: 'Production' }, admin);
    const refused = await api('DELETE', 'model-versions/delete', { name, version: '1' }, admin);
    expect([refused.status, refused.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect((await api('DELETE', 'model-versions/delete', { name, version: '2' })).status).toBe(403);
    expect((await api('DELETE', 'model-versions/delete', { name, version: '2' }, admin)).body).toEqual({});
    expect((await api('GET', `model-versions/get?${q({ name, version: '2' })}`)).status).toBe(404);
    expect((await api('GET', `registered-models/alias?${q({ name, alias: 'challenger' })}`)).status).toBe(404);
    // Numbers are never reused: the next version is 3.
    expect((await api('POST', 'model-versions/create', { name, source: 's3://b/m3' })).body.model_version.version).toBe('3');
    const audit = await t.request('GET', `/v1/audit?model=${name}&limit=3`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['version.created', 'version.deleted', 'alias.deleted']);
  });

  it('gives concurrent creations distinct numbers in one sequence', async () => {
    const name = uniqueName('race');
    await api('POST', 'registered-models/create', { name });
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) => api('POST', 'model-versions/create', { name, source: `s3://b/race/${i}` })),
    );
    expect(created.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(created.map((r) => Number(r.body.model_version.version)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    // Six semantic versions on our side; each MLflow number still finds the version it was given to.
    const ours = await t.request('GET', `/v1/models/${name}/versions?limit=10`);
    expect(ours.body.items.map((v: { version: string }) => v.version).sort()).toEqual([
      '1.0.0',
      '1.0.1',
      '1.0.2',
      '1.0.3',
      '1.0.4',
      '1.0.5',
    ]);
    for (const r of created) {
      const source = r.body.model_version.source as string;
      const got = await api('GET', `model-versions/get?${q({ name, version: r.body.model_version.version })}`);
      expect(got.body.model_version.source).toBe(source);
    }
  });

  it('numbers versions made through our own API too, which MLflow shows without a source', async () => {
    const name = uniqueName('native');
    await t.request('POST', '/v1/models', { body: { name } });
    await t.request('POST', `/v1/models/${name}/versions`, { body: { version: '2.0.0' } });
    await t.request('POST', `/v1/models/${name}/versions`, { body: { version: '1.5.0' } });
    const versions = await api('GET', `model-versions/search?${q({ filter: `name = '${name}'`, order_by: 'version_number ASC' })}`);
    expect(versions.body.model_versions.map((v: { version: string; source?: string }) => [v.version, v.source])).toEqual([
      ['1', undefined],
      ['2', undefined],
    ]);
    const download = await api('GET', `model-versions/get-download-uri?${q({ name, version: '2' })}`);
    expect(download.status).toBe(400);
    expect(download.body.message).toContain(`/v1/models/${name}/versions/1.5.0/artifacts`);
  });
});

describe('credentials and the OpenAPI document on MLflow routes', () => {
  it("answers MLflow's UNAUTHENTICATED (401) without a credential, and PERMISSION_DENIED (403) for a weak role", async () => {
    for (const [method, path] of [
      ['GET', '/api/2.0/mlflow/registered-models/get?name=x'],
      ['POST', '/api/2.0/mlflow/model-versions/create'],
      ['POST', '/api/2.0/mlflow/runs/create'],
      ['DELETE', '/ajax-api/2.0/mlflow/registered-models/delete'],
      ['GET', '/api/2.0/mlflow/not-a-route'],
    ] as const) {
      const res = await t.request(method, path, { as: null, ...(method === 'GET' ? {} : { body: {} }) });
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 401, type: 'application/json' });
      expect(res.body).toEqual({ error_code: 'UNAUTHENTICATED', message: expect.any(String) });
    }
    const weak = await api('POST', 'registered-models/create', { name: uniqueName('weak') }, viewer);
    expect(weak.status).toBe(403);
    expect(weak.body).toEqual({ error_code: 'PERMISSION_DENIED', message: "this action needs the 'write' scope" });
    // Our own routes keep problem+json.
    expect((await t.request('GET', '/v1/models', { as: null })).body.code).toBe('unauthenticated');
  });

  it("describes MLflow routes' errors as MLflow's body, and ours as problem+json", async () => {
    const doc = (await t.request('GET', '/openapi.json', { as: null })).body;
    const mlflow = doc.paths['/api/2.0/mlflow/registered-models/create'].post.responses;
    const mlflowError = { content: { 'application/json': { schema: { $ref: '#/components/schemas/MlflowError' } } } };
    for (const status of ['400', '401', '403', '404', '429']) expect(mlflow[status]).toMatchObject(mlflowError);
    expect(JSON.stringify(Object.entries(doc.paths).filter(([p]) => p.includes('mlflow')))).not.toContain('problem+json');
    expect(doc.components.schemas.MlflowError.required).toEqual(['error_code', 'message']);
    expect(doc.paths['/v1/models'].post.responses['401'].content['application/problem+json']).toBeDefined();
  });
});
