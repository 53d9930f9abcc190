import { tokenFor } from '@modelyard/platform/testing';
import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import * as ort from 'onnxruntime-node';
import { KIT_SCHEMA, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
const model = uniqueName('oip-binary');
let v1: string;
beforeAll(async () => {
  h = await startHarness({ INGEST_BODY_LIMIT_BYTES: String(1 << 20) });
  v1 = await productionVersion(h.registry, model, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
  await untilServing(h.serving, model, v1);
});
afterAll(() => h.close());

/** A body of the binary tensor data extension: the JSON header, then the bytes. */
function binaryBody(header: unknown, ...parts: Uint8Array[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...parts]), headerLength: json.length };
}

interface BinaryAnswer {
  status: number;
  type: string;
  headerLength: string | null;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  binary: Buffer;
}

/** POSTs raw bytes to the infer route and splits the answer as a protocol client does. */
async function post(body: Buffer, headers: Record<string, string>, path = `/v2/models/${model}/infer`): Promise<BinaryAnswer> {
  const res = await fetch(`${h.serving.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenFor('viewer')}`, ...headers },
    body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const headerLength = res.headers.get('inference-header-content-length');
  const cut = headerLength === null ? bytes.length : Number(headerLength);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headerLength,
    json: JSON.parse(bytes.toString('utf8', 0, cut)),
    binary: bytes.subarray(cut),
  };
}

const rows = [
  [0, 0],
  [1, 0.5],
  [1, 2],
  [0.5, 3],
  [2, -1],
];
const values = Float32Array.from(rows.flat());
const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const input = (size: number, shape = [rows.length, 2]) => ({
  name: 'input',
  shape,
  datatype: 'FP32',
  parameters: { binary_data_size: size },
});

async function inProcess() {
  const session = await ort.InferenceSession.create(treeEnsembleClassifierOnnx());
  try {
    return await session.run({ input: new ort.Tensor('float32', values, [rows.length, 2]) });
  } finally {
    await session.release();
  }
}

describe('Open Inference Protocol v2, binary tensor data extension', () => {
  it('lists the extension in the server metadata', async () => {
    expect((await h.serving.request('GET', '/v2', { as: 'viewer' })).body.extensions).toEqual(['binary_tensor_data']);
  });

  it('takes binary inputs and answers binary outputs that equal onnxruntime in process', async () => {
    const expected = await inProcess();
    const { body, headerLength } = binaryBody(
      {
        id: 'b-1',
        inputs: [input(values.byteLength)],
        outputs: [{ name: 'label', parameters: { binary_data: true } }, { name: 'probabilities' }],
      },
      asBytes(values),
    );
    const res = await post(body, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) });
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/octet-stream');
    const labels = expected.label!.data as BigInt64Array;
    expect(res.json).toEqual({
      model_name: model,
      model_version: v1,
      id: 'b-1',
      outputs: [
        { name: 'label', shape: [rows.length], datatype: 'INT64', parameters: { binary_data_size: labels.byteLength } },
        {
          name: 'probabilities',
          shape: [rows.length, 2],
          datatype: 'FP32',
          data: Array.from(expected.probabilities!.data as Float32Array),
        },
      ],
    });
    expect(Number(res.headerLength)).toBe(Buffer.byteLength(JSON.stringify(res.json)));
    const copy = new Uint8Array(res.binary); // aligned for the typed array
    expect(new BigInt64Array(copy.buffer)).toEqual(labels);
  });

  it('answers every output in binary with binary_data_output, after a JSON-only request too', async () => {
    const expected = await inProcess();
    const res = await post(
      Buffer.from(
        JSON.stringify({
          parameters: { binary_data_output: true },
          inputs: [{ name: 'input', shape: [5, 2], datatype: 'FP32', data: rows.flat() }],
        }),
      ),
      { 'content-type': 'application/json' },
      `/v2/models/${model}/versions/${v1}/infer`,
    );
    expect(res.status).toBe(200);
    const [label, probabilities] = res.json.outputs;
    expect(label).toMatchObject({ name: 'label', parameters: { binary_data_size: 40 } });
    expect(probabilities).toMatchObject({ name: 'probabilities', parameters: { binary_data_size: 40 } });
    expect(label.data).toBeUndefined();
    const copy = new Uint8Array(res.binary);
    expect(new BigInt64Array(copy.buffer, 0, 5)).toEqual(expected.label!.data);
    expect(new Float32Array(copy.buffer, 40, 10)).toEqual(expected.probabilities!.data);
  });

  it('reads the announced header whatever the content type, and a bare octet-stream body as JSON', async () => {
    const { body, headerLength } = binaryBody({ inputs: [input(values.byteLength)] }, asBytes(values));
    const asJson = await post(body, { 'content-type': 'application/json', 'inference-header-content-length': String(headerLength) });
    expect(asJson.status).toBe(200);
    expect(asJson.type).toContain('application/json');
    expect(asJson.json.outputs[0].data).toHaveLength(rows.length);
    const whole = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] }));
    expect((await post(whole, { 'content-type': 'application/octet-stream' })).status).toBe(200);
  });

  it.each([
    [
      'a size that does not fit the shape',
      [input(36)],
      36,
      "inputs.0.parameters.binary_data_size: 36 bytes for input 'input'; shape [5, 2] of FP32 takes 40",
    ],
    [
      'a size past the body',
      [input(80)],
      40,
      "inputs.0.parameters.binary_data_size: 80 bytes run past the body: 40 bytes of binary data are left for input 'input'",
    ],
    ['bytes no input claims', [input(40)], 44, 'inputs: 4 bytes of binary data after the JSON header belong to no input'],
    [
      'a non-numeric size',
      [input('forty' as unknown as number)],
      40,
      'inputs.0.parameters.binary_data_size: must be a whole number of bytes, not "forty"',
    ],
    ['a NaN element', [input(40)], -1, "inputs.0.data.3: input 'input': must be a finite number, not NaN"],
  ])('refuses %s with a 400 {"error"} naming the input', async (_what, inputs, bytes, message) => {
    const data = Float32Array.from(values);
    if (bytes === -1) data[3] = NaN;
    const tail = bytes === -1 ? asBytes(data) : new Uint8Array(bytes);
    const { body, headerLength } = binaryBody({ inputs }, tail);
    const res = await post(body, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) });
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/json');
    expect(Object.keys(res.json)).toEqual(['error']);
    expect(res.json.error).toContain(message);
  });

  it('refuses a bad header length, a body over the limit, other routes and a missing credential', async () => {
    const { body } = binaryBody({ inputs: [input(40)] }, asBytes(values));
    const octet = { 'content-type': 'application/octet-stream' };
    const past = await post(body, { ...octet, 'inference-header-content-length': String(body.length + 1) });
    expect(past.status).toBe(400);
    expect(past.json.error).toContain(`more than the body's ${body.length}`);
    const word = await post(body, { ...octet, 'inference-header-content-length': 'ten' });
    expect(word.status).toBe(400);
    expect(word.json.error).toContain('Inference-Header-Content-Length must be one decimal number');
    const cut = await post(body, { ...octet, 'inference-header-content-length': '10' });
    expect(cut.status).toBe(400);
    const big = binaryBody({ inputs: [input(1 << 20, [1 << 17, 2])] }, new Uint8Array(1 << 20));
    const tooLarge = await post(big.body, { ...octet, 'inference-header-content-length': String(big.headerLength) });
    expect(tooLarge.status).toBe(413);
    const elsewhere = await fetch(`${h.serving.url}/v1/models/${model}/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor('viewer')}`, ...octet },
      body: Buffer.from('{"instances":[[1,2]]}'),
    });
    expect(elsewhere.status).toBe(415);
    const anonymous = await fetch(`${h.serving.url}/v2/models/${model}/infer`, { method: 'POST', headers: octet, body });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: expect.any(String) });
  });
});
