import { LogisticRegression } from '@modelyard/learners';
import { mlpClassifierOnnx, treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import * as ort from 'onnxruntime-node';
import { KIT_SCHEMA, productionVersion, setAlias, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
const model = uniqueName('oip');
let v1: string;
let v2: string;
beforeAll(async () => {
  h = await startHarness();
  v1 = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
  v2 = await stagedVersion(h.registry, model, { bytes: mlpClassifierOnnx(), inputSchema: KIT_SCHEMA });
  await setAlias(h.registry, model, 'challenger', v2);
  await untilServing(h.serving, model, v1, { challenger: v2 });
});
afterAll(() => h.close());

const infer = (body: unknown, version?: string, as?: null) =>
  h.serving.request('POST', `/v2/models/${model}${version ? `/versions/${version}` : ''}/infer`, {
    body,
    ...(as === null ? { as } : {}),
  });
const input = (data: unknown[], shape = [data.length / 2, 2], datatype = 'FP32') => ({
  name: 'input',
  shape,
  datatype,
  data,
});

describe('Open Inference Protocol v2', () => {
  it('answers health without a credential, 200 when ready', async () => {
    expect(await h.serving.request('GET', '/v2/health/live', { as: null })).toMatchObject({
      status: 200,
      body: { live: true },
    });
    expect(await h.serving.request('GET', '/v2/health/ready', { as: null })).toMatchObject({
      status: 200,
      body: { ready: true },
    });
    expect(await h.serving.request('GET', '/v2', { as: null })).toMatchObject({
      status: 401,
      body: { error: expect.any(String) },
    });
    expect((await h.serving.request('GET', '/v2', { as: 'viewer' })).body).toEqual({
      name: 'modelyard-serving',
      version: '0.1.0',
      extensions: ['binary_tensor_data'],
    });
  });

  it('describes the production version and a named version: inputs and outputs with datatype and shape', async () => {
    const meta = await h.serving.request('GET', `/v2/models/${model}`, { as: 'viewer' });
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      name: model,
      versions: expect.arrayContaining([v1, v2]),
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 2] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
    expect((await h.serving.request('GET', `/v2/models/${model}/versions/${v2}`)).body.outputs).toHaveLength(2);
    expect(await h.serving.request('GET', `/v2/models/${model}/ready`)).toMatchObject({
      status: 200,
      body: { name: model, ready: true },
    });
    expect((await h.serving.request('GET', `/v2/models/${model}/versions/${v2}/ready`)).status).toBe(200);
    const unknown = await h.serving.request('GET', `/v2/models/${model}/versions/9.9.9/ready`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.stringContaining('9.9.9') });
    expect(unknown.headers.get('content-type')).toContain('application/json');
  });

  it('infers like onnxruntime in process, with flat or nested data, an id and an outputs filter', async () => {
    const rows = [
      [0, 0],
      [1, 0.5],
      [1, 2],
      [0.5, 3],
    ];
    const session = await ort.InferenceSession.create(treeEnsembleClassifierOnnx());
    const expected = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [4, 2]) });
    await session.release();

    const flat = await infer({ id: 'req-1', inputs: [input(rows.flat())] });
    expect(flat.status).toBe(200);
    expect(flat.body).toEqual({
      model_name: model,
      model_version: v1,
      id: 'req-1',
      outputs: [
        {
          name: 'label',
          shape: [4],
          datatype: 'INT64',
          data: Array.from(expected.label!.data as BigInt64Array, Number),
        },
        {
          name: 'probabilities',
          shape: [4, 2],
          datatype: 'FP32',
          data: Array.from(expected.probabilities!.data as Float32Array),
        },
      ],
    });
    const nested = await infer({ inputs: [input(rows, [4, 2])], outputs: [{ name: 'probabilities' }] });
    expect(nested.status).toBe(200);
    expect(nested.body.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
    expect(nested.body.outputs[0].data).toEqual(flat.body.outputs[1].data);

    const version = await infer({ inputs: [input([1, 1])] }, v2);
    expect(version.body).toMatchObject({
      model_version: v2,
      outputs: [{ name: 'label', data: [0] }, { name: 'probabilities' }],
    });
  });

  it.each([
    ['an unknown input name', { inputs: [{ ...input([1, 2]), name: 'x' }] }, "'x' is not an input of this model (its inputs: 'input')"],
    ['a wrong datatype', { inputs: [input([1, 2], [1, 2], 'FP64')] }, "input 'input' is FP32, not FP64"],
    ['FP16', { inputs: [input([1, 2], [1, 2], 'FP16')] }, 'FP16 is not supported'],
    ['a wrong rank', { inputs: [input([1, 2], [2])] }, "has 1 dimensions; input 'input' has 2"],
    ['a wrong fixed dimension', { inputs: [input([1, 2, 3], [1, 3])] }, "dimension 1 is 3; input 'input' takes 2"],
    ['data that does not fill the shape', { inputs: [input([1, 2, 3], [2, 2])] }, 'inputs.0.data: expected 2 elements at depth 0'],
    ['ragged nested data', { inputs: [input([[1, 2], [3]], [2, 2])] }, 'inputs.0.data.1: expected 2 elements at depth 1'],
    ['a string in FP32 data', { inputs: [input([1, 'NaN'])] }, 'inputs.0.data.1: must be a finite number, not a string'],
    ['a null in FP32 data', { inputs: [input([null, 1])] }, 'inputs.0.data.0: must be a finite number, not null'],
    ['a value past float32', { inputs: [input([1e39, 1])] }, 'inputs.0.data.0: is out of the FP32 range'],
    ['a missing input', { inputs: [] }, 'inputs'],
    [
      'an unknown output',
      { inputs: [input([1, 2])], outputs: [{ name: 'scores' }] },
      "outputs.0.name: 'scores' is not an output of this model",
    ],
    [
      'more than 10,000 instances',
      { inputs: [input(new Array(20_002).fill(0), [10_001, 2])] },
      'a batch of 10001 is more than 10000 instances',
    ],
    ['an unknown field', { inputs: [input([1, 2])], extra: 1 }, 'extra: unknown field'],
  ])('refuses %s with a 400 {"error"} naming it', async (_what, body, message) => {
    const res = await infer(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error).toContain(message);
  });

  it('refuses non-JSON bodies, non-finite numbers and a missing credential in its own error shape', async () => {
    const raw = await h.serving.request('POST', `/v2/models/${model}/infer`, {
      raw: '{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "FP32", "data": [NaN, 1]}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(raw.status).toBe(400);
    expect(Object.keys(raw.body)).toEqual(['error']);
    const infinite = await h.serving.request('POST', `/v2/models/${model}/infer`, {
      raw: '{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "FP32", "data": [1e999, 1]}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(infinite).toMatchObject({
      status: 400,
      body: { error: 'inputs.0.data.0: must be a finite number, not Infinity' },
    });
    expect(await infer({ inputs: [input([1, 2])] }, undefined, null)).toMatchObject({
      status: 401,
      body: { error: expect.any(String) },
    });
    expect(await h.serving.request('GET', '/v2/models/nope')).toMatchObject({
      status: 404,
      body: { error: expect.stringContaining("'nope' is not served") },
    });
    expect(await h.serving.request('GET', '/v2/nowhere')).toMatchObject({
      status: 404,
      body: { error: expect.any(String) },
    });
  });
});

describe('Open Inference Protocol v2 on other input layouts', () => {
  it('takes one tensor per feature for a learner with a categorical feature, and BYTES and BOOL data', async () => {
    const features = [
      { name: 'plan', kind: 'categorical' },
      { name: 'active', kind: 'boolean' },
      { name: 'usage', kind: 'numeric' },
    ];
    const learner = new LogisticRegression({ dim: 64 });
    const rows = [
      { plan: 'pro', active: true, usage: 2 },
      { plan: 'free', active: false, usage: -1 },
    ];
    for (let i = 0; i < 200; i++) learner.learnOne(rows[i % 2]!, i % 2 === 0 ? 1 : 0);
    const name = uniqueName('columns');
    const bytes = new TextEncoder().encode(JSON.stringify(learner.toJSON()));
    const version = await productionVersion(h.registry, name, {
      artifact: 'model.json',
      bytes,
      inputSchema: { features },
    });
    await untilServing(h.serving, name, version);
    const meta = (await h.serving.request('GET', `/v2/models/${name}`)).body;
    expect(meta.platform).toBe('modelyard_learner');
    expect(meta.inputs).toEqual([
      { name: 'plan', datatype: 'BYTES', shape: [-1] },
      { name: 'active', datatype: 'BOOL', shape: [-1] },
      { name: 'usage', datatype: 'FP64', shape: [-1] },
    ]);
    const res = await h.serving.request('POST', `/v2/models/${name}/infer`, {
      body: {
        inputs: [
          { name: 'plan', shape: [2], datatype: 'BYTES', data: ['pro', 'free'] },
          { name: 'active', shape: [2], datatype: 'BOOL', data: [true, false] },
          { name: 'usage', shape: [2], datatype: 'FP64', data: [2, -1] },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs[0]).toEqual({
      name: 'label',
      shape: [2],
      datatype: 'INT64',
      data: rows.map((r) => learner.predictOne(r)),
    });
    expect(res.body.outputs[1].data).toEqual(
      rows.flatMap((r) =>
        [1 - learner.predictProbaOne(r), learner.predictProbaOne(r)].map((p, k) => (k === 0 ? expect.closeTo(p, 12) : p)),
      ),
    );
    const badBool = await h.serving.request('POST', `/v2/models/${name}/infer`, {
      body: {
        inputs: [
          { name: 'plan', shape: [1], datatype: 'BYTES', data: [3] },
          { name: 'active', shape: [1], datatype: 'BOOL', data: ['yes'] },
          { name: 'usage', shape: [1], datatype: 'FP64', data: [1] },
        ],
      },
    });
    expect(badBool.status).toBe(400);
    expect(badBool.body.error).toContain('inputs.0.data.0: must be a string');
    expect(badBool.body.error).toContain('inputs.1.data.0: must be a boolean');
  });
});
