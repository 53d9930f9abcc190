import { HoeffdingTreeClassifier, Rng } from '@modelyard/learners';
import { productionVersion, setAlias, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const json = (t: HoeffdingTreeClassifier) => new TextEncoder().encode(JSON.stringify(t.toJSON()));

describe("a Hoeffding tree's model.json, served", () => {
  it('answers with the tree’s own classes and probabilities, binary and three-class, records with a categorical', async () => {
    const rng = new Rng(17);
    const features = [
      { name: 'plan', kind: 'categorical' },
      { name: 'usage', kind: 'numeric' },
    ];
    const plans = ['free', 'pro', 'team'];
    const rows = Array.from({ length: 4000 }, () => ({ plan: plans[Math.floor(rng.uniform() * 3)]!, usage: rng.uniform() * 4 }));
    const binary = new HoeffdingTreeClassifier({ gracePeriod: 50 });
    const three = new HoeffdingTreeClassifier({ classes: 3, gracePeriod: 50 });
    rows.forEach((x) => {
      binary.learnOne(x, x.plan === 'pro' || x.usage > 3 ? 1 : 0);
      three.learnOne(x, x.usage < 1 ? 0 : x.plan === 'team' ? 2 : 1);
    });
    expect(binary.leafCount).toBeGreaterThan(1);
    const model = uniqueName('tree');
    const v1 = await productionVersion(h.registry, model, { artifact: 'model.json', bytes: json(binary), inputSchema: { features } });
    const v2 = await stagedVersion(h.registry, model, { artifact: 'model.json', bytes: json(three), inputSchema: { features } });
    await setAlias(h.registry, model, 'three', v2);
    await untilServing(h.serving, model, v1, { three: v2 });
    const instances = rows.slice(0, 100);

    const res = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances, return: ['probabilities'] } });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual(instances.map((x) => binary.predictOne(x)));
    expect(res.body.probabilities).toEqual(instances.map((x) => Array.from(binary.predictProba(x))));
    // The rule is learned: pro plans are class 1 whatever the usage.
    expect(res.body.predictions.filter((_: number, i: number) => instances[i]!.plan === 'pro').every((y: number) => y === 1)).toBe(true);

    const multi = await h.serving.request('POST', `/v1/models/${model}/predict`, {
      body: { instances, target: { alias: 'three' }, return: ['probabilities'] },
    });
    expect(multi.status).toBe(200);
    expect(multi.body.predictions).toEqual(instances.map((x) => three.predictOne(x)));
    expect(multi.body.probabilities[0]).toHaveLength(3);
    expect(multi.body.probabilities).toEqual(instances.map((x) => Array.from(three.predictProba(x))));
  });
});
