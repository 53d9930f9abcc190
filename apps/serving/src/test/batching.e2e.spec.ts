import { KIT_FEATURES, mlpClassifierOnnx } from '@modelyard/learners/testing';
import * as ort from 'onnxruntime-node';
import { KIT_SCHEMA, metric, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ROWS = Array.from({ length: 100 }, (_, i) => [Math.sin(i) * 3, Math.cos(i * 0.7) * 2]);

/** onnxruntime-node in this process, one row at a time: what each request must get. */
async function alone(bytes: Uint8Array) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = [];
    for (const row of ROWS) {
      const r = await session.run({ input: new ort.Tensor('float32', Float32Array.from(row), [1, 2]) });
      out.push({ label: Number((r.label!.data as BigInt64Array)[0]), p: Array.from(r.probabilities!.data as Float32Array) });
    }
    return out;
  } finally {
    await session.release();
  }
}

/** 100 one-instance requests at once, each row its own. */
function concurrently(model: string) {
  return Promise.all(
    ROWS.map(([x0, x1]) =>
      h.serving.request('POST', `/v1/models/${model}/predict`, {
        body: { instances: [{ [KIT_FEATURES[0]]: x0, [KIT_FEATURES[1]]: x1 }], return: ['probabilities'] },
      }),
    ),
  );
}

/** The same model as another converter would have written it: only producer_name differs (same length). */
function fromAnotherProducer(bytes: Uint8Array): Uint8Array {
  const copy = Buffer.from(bytes);
  const at = copy.indexOf('@modelyard/learners');
  expect(at).toBeGreaterThan(-1);
  copy.write('other-converter-1.0', at);
  return copy;
}

describe('dynamic batching', () => {
  it("runs concurrent requests for a learners' model together and answers each its own row, as alone", async () => {
    const model = uniqueName('batched');
    const bytes = mlpClassifierOnnx();
    const version = await productionVersion(h.registry, model, { bytes, inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, version);
    const expected = await alone(bytes);

    // The first round opens the client's connections; on open connections the second round's
    // requests reach the service together.
    for (const answers of [await concurrently(model), await concurrently(model)]) {
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        expect(a.body.predictions).toEqual([expected[i]!.label]);
        a.body.probabilities[0].forEach((p: number, k: number) => expect(p).toBeCloseTo(expected[i]!.p[k]!, 6));
      });
    }
    // Requests that shared a run: some of the 200 arrived in one turn of the event loop.
    expect(await metric(h.serving, 'ml_serving_batched_requests_total', { model })).toBeGreaterThan(1);
  });

  it('leaves a model of another producer unbatched (SERVING_BATCHING=learners), with the same answers', async () => {
    const model = uniqueName('unbatched');
    const bytes = fromAnotherProducer(mlpClassifierOnnx());
    const version = await productionVersion(h.registry, model, { bytes, inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, version);
    const expected = await alone(bytes);

    for (const answers of [await concurrently(model), await concurrently(model)]) {
      answers.forEach((a, i) => expect(a.body.predictions).toEqual([expected[i]!.label]));
    }
    expect(await metric(h.serving, 'ml_serving_batched_requests_total', { model })).toBe(0);
  });
});
