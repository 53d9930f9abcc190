import { Rng, SoftmaxRegression, toOnnx } from '@modelyard/learners';
import { productionVersion, setAlias, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('softmax learners, native and exported', () => {
  const features = [
    { name: 'plan', kind: 'categorical' },
    { name: 'usage', kind: 'numeric' },
  ] as const;
  const numericOnly = [{ name: 'usage', kind: 'numeric' }] as const;
  const tiers = ['bronze', 'silver', 'gold'];

  function trained(withPlan: boolean) {
    const rng = new Rng(4);
    const model = new SoftmaxRegression({ dim: 256, optimizer: 'adagrad', learningRate: 0.3, standardize: true });
    for (let i = 0; i < 3000; i++) {
      const c = Math.floor(rng.uniform() * 3);
      const x = { plan: ['free', 'pro', 'team'][(c + (rng.uniform() < 0.2 ? 1 : 0)) % 3]!, usage: 2 * c + rng.normal() };
      model.learnOne(withPlan ? x : { usage: x.usage }, tiers[c]!);
    }
    return model;
  }

  it("serves a softmax model.json natively: class labels as predictions, the learner's probabilities per class", async () => {
    const learner = trained(true);
    const model = uniqueName('tiers');
    const v1 = await productionVersion(h.registry, model, {
      artifact: 'model.json',
      bytes: new TextEncoder().encode(JSON.stringify(learner.toJSON())),
      inputSchema: { features },
    });
    await untilServing(h.serving, model, v1);
    const rng = new Rng(5);
    const instances = Array.from({ length: 200 }, () => ({
      plan: ['free', 'pro', 'team'][Math.floor(rng.uniform() * 3)]!,
      usage: 6 * rng.uniform() - 1,
    }));
    const res = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances, return: ['probabilities'] } });
    expect(res.status).toBe(200);
    const expected = instances.map((x) => learner.predictOne(x));
    expect(res.body.predictions).toEqual(expected);
    // Every class is predicted somewhere: a model that learned nothing would not pass.
    expect(new Set(expected)).toEqual(new Set(tiers));
    expect(res.body.probabilities).toEqual(instances.map((x) => Array.from(learner.predictProbaOne(x))));
    const versions = (await h.serving.request('GET', `/v1/models/${model}`)).body.versions;
    expect(versions.find((v: { version: string }) => v.version === v1)).toMatchObject({ format: 'learner', artifact: 'model.json' });
  });

  it('serves its ONNX export with the same labels and probabilities within 1e-6', async () => {
    const learner = trained(false);
    const model = uniqueName('tiers-onnx');
    const onnx = toOnnx(learner, { input: { kind: 'records', features: numericOnly } });
    const v1 = await productionVersion(h.registry, model, { bytes: onnx, inputSchema: { features: numericOnly } });
    const native = await stagedVersion(h.registry, model, {
      artifact: 'model.json',
      bytes: new TextEncoder().encode(JSON.stringify(learner.toJSON())),
      inputSchema: { features: numericOnly },
    });
    await setAlias(h.registry, model, 'native', native);
    await untilServing(h.serving, model, v1, { native });
    const instances = Array.from({ length: 100 }, (_, i) => ({ usage: Math.fround(-1 + 0.06 * i) }));
    const viaOnnx = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances, return: ['probabilities'] } });
    expect(viaOnnx.status).toBe(200);
    expect(viaOnnx.body.predictions).toEqual(instances.map((x) => learner.predictOne(x)));
    viaOnnx.body.probabilities.forEach((p: number[], i: number) =>
      learner.predictProbaOne(instances[i]!).forEach((q, c) => expect(Math.abs(p[c]! - q)).toBeLessThan(1e-6)),
    );
    const viaJson = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, target: { alias: 'native' } },
    });
    expect(viaJson.body.predictions).toEqual(viaOnnx.body.predictions);
  });
});
