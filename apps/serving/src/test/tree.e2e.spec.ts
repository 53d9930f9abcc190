import { buildLearning } from '@modelyard/learning/testing';
import { HoeffdingTreeClassifier, LabelledHoeffdingTree, Rng, type LabelledTreeState } from '@modelyard/learners';
import { startTestApp, tokenFor } from '@modelyard/platform/testing';
import { eventually, productionVersion, promote, setAlias, stagedVersion, uniqueName, untilServing } from './fixtures.js';
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

describe('a Hoeffding tree over class labels, registered by a learning pipeline, served', () => {
  const CLASSES = ['low', 'mid', 'high'];
  /** x uniform on [0, 10]²; the class the band of x1 + x2 (≤ 7, ≤ 13, above), 10% changed to another class. */
  function bands(seed: number, count: number) {
    const rng = new Rng(seed);
    return Array.from({ length: count }, () => {
      const [x1, x2] = [10 * rng.uniform(), 10 * rng.uniform()];
      let c = x1 + x2 <= 7 ? 0 : x1 + x2 <= 13 ? 1 : 2;
      if (rng.uniform() < 0.1) c = (c + 1 + Math.floor(2 * rng.uniform())) % 3;
      return { x1, x2, band: CLASSES[c]! };
    });
  }

  it("predicts the pipeline's class labels and per-class probabilities from its model.json", async () => {
    const shared = { databaseUrl: h.registry.databaseUrl, redisPrefix: h.registry.redisPrefix };
    const learning = await startTestApp(buildLearning, { REGISTRY_URL: h.registry.url }, shared);
    try {
      const model = uniqueName('bands');
      expect((await h.registry.request('POST', '/v1/models', { body: { name: model } })).status).toBe(201);
      const features = [
        { name: 'x1', kind: 'numeric' },
        { name: 'x2', kind: 'numeric' },
      ];
      const pipeline = await learning.request('POST', '/v1/pipelines', {
        body: {
          name: model,
          model,
          learner: { type: 'hoeffding_tree', gracePeriod: 100, delta: 1e-4, tau: 0.1, classes: CLASSES },
          features,
          target: 'band',
          strategy: 'mini_batch',
          batchSize: 100_000,
          gate: { metric: 'accuracy', direction: 'higher', holdout: 200 },
        },
      });
      expect(pipeline.status).toBe(201);
      const samples = await learning.request('POST', `/v1/pipelines/${model}/samples`, { body: { samples: bands(31, 4000) } });
      expect(samples.status).toBe(202);
      expect((await learning.request('POST', `/v1/pipelines/${model}/trigger`)).status).toBe(202);
      const { value: version } = await eventually(async () => {
        const history = (await learning.request('GET', `/v1/pipelines/${model}/history`)).body.items as { version: string | null }[];
        return history?.[0]?.version ?? undefined;
      }, 30_000);
      await promote(h.registry, model, version);
      await untilServing(h.serving, model, version);

      // The registered model.json, as the pipeline wrote it.
      const res = await fetch(`${h.registry.url}/v1/models/${model}/versions/${version}/artifacts/model.json`, {
        headers: { authorization: `Bearer ${tokenFor('viewer')}` },
      });
      const state = (await res.json()) as LabelledTreeState;
      expect(state.labels).toEqual(CLASSES);
      const tree = LabelledHoeffdingTree.fromJSON(state);
      expect(tree.tree.leafCount).toBeGreaterThan(2);

      const test = bands(32, 300);
      const instances = test.map(({ x1, x2 }) => ({ x1, x2 }));
      const served = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances, return: ['probabilities'] } });
      expect(served.status).toBe(200);
      expect(served.body.predictions).toEqual(instances.map((x) => tree.predictOne(x)));
      expect(served.body.probabilities).toEqual(instances.map((x) => Array.from(tree.predictProbaOne(x))));
      expect(served.body.probabilities[0]).toHaveLength(3);
      expect(new Set(served.body.predictions)).toEqual(new Set(CLASSES));
      // Well above chance (1/3) on fresh samples of the same concept (Bayes-optimal 0.90).
      const right = test.filter((r, i) => served.body.predictions[i] === r.band).length;
      expect(right / test.length).toBeGreaterThan(0.7);
    } finally {
      await learning.close();
    }
  });
});
