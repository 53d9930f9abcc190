import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { fuzzRoutes, signJwt, tokenFor, type RequestOptions } from '@modelyard/platform/testing';
import { Modelyard, NotFoundError, ValidationError } from '@modelyard/sdk';
import { KIT_SCHEMA, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
const model = uniqueName('inputs');
let version: string;
beforeAll(async () => {
  h = await startHarness();
  version = await productionVersion(h.registry, model, {
    bytes: treeEnsembleClassifierOnnx(),
    inputSchema: KIT_SCHEMA,
  });
  await untilServing(h.serving, model, version);
});
afterAll(() => h.close());

const predict = (body: unknown, as?: RequestOptions['as']) =>
  h.serving.request('POST', `/v1/models/${model}/predict`, { body, ...(as !== undefined ? { as } : {}) });
const fields = (body: { errors?: { field: string; message: string }[] }) => (body.errors ?? []).map((e) => `${e.field}: ${e.message}`);

describe('POST /v1/models/:name/predict refuses bad instances with a 400 naming the instance and field', () => {
  it.each([
    ['a missing feature', [{ x0: 1, x1: 2 }, { x0: 1 }], ['instances.1.x1: missing']],
    ['a misspelt feature', [{ x0: 1, x1: 2, x2: 3 }], ['instances.0.x2: not a feature of this model (its features: x0, x1)']],
    ['a string for a number', [{ x0: '1', x1: 2 }], ['instances.0.x0: must be a finite number, not a string']],
    ['null for a number', [{ x0: null, x1: 2 }], ['instances.0.x0: must be a finite number, not null']],
    ['a boolean for a number', [{ x0: true, x1: 2 }], ['instances.0.x0: must be a finite number, not a boolean']],
    ['a nested value', [{ x0: [1], x1: 2 }], ['instances.0.x0: must be a finite number, not a list']],
    ['an array too short', [[1, 2], [1]], ['instances.1: expected 2 values (x0, x1), got 1']],
    ['a string in an array', [[1, 'a']], ['instances.0.1: x1 must be a finite number, not a string']],
    ['a value past float32', [[1e39, 1]], ['instances.0.0: x0 is out of the FP32 range']],
  ])('%s', async (_what, instances, expected) => {
    const res = await predict({ instances });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(fields(res.body)).toEqual(expected);
  });

  it('reports at most 20 fields and counts the rest', async () => {
    const res = await predict({ instances: Array.from({ length: 100 }, () => ({ x0: 1 })) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(21);
    expect(res.body.errors[20]).toMatchObject({ field: 'instances', message: 'and 80 more errors' });
  });

  it('refuses non-finite numbers (1e999 parses to Infinity) and NaN, which JSON cannot carry', async () => {
    const infinite = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      raw: '{"instances": [{"x0": 1e999, "x1": 1}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(infinite.status).toBe(400);
    expect(fields(infinite.body)).toEqual(['instances.0.x0: must be a finite number, not Infinity']);
    const nan = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      raw: '{"instances": [[NaN, 1]]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(nan.status).toBe(400);
    expect(nan.body.code).toBe('malformed_body');
  });

  it('takes 10,000 instances and refuses 10,001', async () => {
    const ok = await predict({ instances: Array.from({ length: 10_000 }, (_, i) => [i % 3, i % 5]) });
    expect(ok.status).toBe(200);
    expect(ok.body.predictions).toHaveLength(10_000);
    expect(ok.body.predictionIds).toHaveLength(10_000);
    const tooMany = await predict({ instances: Array.from({ length: 10_001 }, () => [0, 0]) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('instances');
  });

  it('refuses an empty batch, unknown fields, a bad target and an unknown return value, naming each', async () => {
    expect(fields((await predict({ instances: [] })).body)[0]).toMatch(/^instances: /);
    expect(fields((await predict({ instances: [[1, 2]], user: 'u1' })).body)).toEqual(['user: unknown field']);
    expect((await predict({ instances: [[1, 2]], target: { version: 'latest' } })).status).toBe(400);
    expect((await predict({ instances: [[1, 2]], return: ['logits'] })).status).toBe(400);
    expect((await predict({ instances: [[1, 2]], target: { version: '9.9.9' } })).body).toMatchObject({
      status: 404,
      code: 'not_served',
    });
    expect((await predict({ instances: [[1, 2]], target: { alias: 'nobody' } })).body.code).toBe('not_served');
    expect((await h.serving.request('POST', '/v1/models/not-a-model/predict', { body: { instances: [[1, 2]] } })).status).toBe(404);
    expect((await h.serving.request('POST', '/v1/models/bad%20name/predict', { body: { instances: [[1, 2]] } })).status).toBe(400);
  });
});

describe('auth', () => {
  it('needs a credential (any role) for predictions and status; health and metrics are public', async () => {
    const body = { instances: [[1, 2]] };
    expect((await predict(body, null)).status).toBe(401);
    expect((await predict(body, { bearer: 'not-a-token' })).status).toBe(401);
    expect(
      (
        await predict(body, {
          bearer: signJwt({ sub: 'x', roles: ['viewer'] }, 'a-different-secret-that-is-long-enough-0123456789'),
        })
      ).status,
    ).toBe(401);
    expect((await predict(body, 'viewer')).status).toBe(200);
    expect((await h.serving.request('GET', '/v1/models', { as: null })).status).toBe(401);
    expect((await h.serving.request('GET', '/v1/models', { as: 'viewer' })).status).toBe(200);
    expect((await h.serving.request('GET', '/health/live', { as: null })).status).toBe(200);
    expect((await h.serving.request('GET', '/health/ready', { as: null })).status).toBe(200);
    expect((await h.serving.request('GET', '/metrics', { as: null })).status).toBe(200);
  });

  it('keeps predicting in maintenance mode (a prediction changes nothing)', async () => {
    expect((await h.serving.request('PUT', '/v1/admin/maintenance', { body: { enabled: true } })).status).toBe(200);
    try {
      expect((await predict({ instances: [[1, 2]] })).status).toBe(200);
    } finally {
      await h.serving.request('PUT', '/v1/admin/maintenance', { body: { enabled: false } });
    }
  });
});

describe('the SDK', () => {
  it('predicts and reads what is served through my.serving, every answer checked against the contract', async () => {
    const my = new Modelyard({ urls: { serving: h.serving.url }, token: tokenFor('viewer'), validateResponses: true });
    const answer = await my.serving.predict(model, { instances: [{ x0: 1, x1: 2 }], return: ['probabilities'] });
    expect(answer).toMatchObject({ model, version, predictions: [1] });
    expect(answer.probabilities![0]).toHaveLength(2);
    expect((await my.serving.model(model)).production).toBe(version);
    expect((await my.serving.models()).items.map((m) => m.model)).toContain(model);
    await expect(my.serving.predict(model, { instances: [{ x0: 1 }] })).rejects.toBeInstanceOf(ValidationError);
    await expect(my.serving.model('nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('robustness', () => {
  it('answers no random request with a 5xx (fuzzRoutes over the OpenAPI document)', async () => {
    const result = await fuzzRoutes(h.serving, {
      seed: 13,
      known: { name: model, version },
      bodyKeys: [
        'instances',
        'target',
        'return',
        'version',
        'alias',
        'inputs',
        'outputs',
        'name',
        'shape',
        'datatype',
        'data',
        'id',
        'x0',
        'x1',
      ],
      queryKeys: ['limit', 'version'],
      perRoute: 30,
    });
    expect(result.sent).toBeGreaterThan(200);
    expect(result.failures).toEqual([]);
  });

  it('documents every route in /openapi.json', async () => {
    const doc = (await h.serving.request('GET', '/openapi.json', { as: null })).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/models/{name}/predict',
        '/v1/models',
        '/v2/health/ready',
        '/v2/models/{name}/versions/{version}/infer',
        '/v2/models/{name}/infer',
      ]),
    );
  });
});
