import { assigner } from '@modelyard/assignment';
import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
const tick = () => h.experiments.app.get(ExperimentsTick).tick(new Date(), true);
const KEY = 'exp-history';

/** Units `from`…`to`-1 exposed; treatment converts 1 in 4, control 1 in 10. */
async function traffic(from: number, to: number) {
  const assign = assigner({ seed: KEY, weights: [0.5, 0.5], coverage: 1 });
  const units = Array.from({ length: to - from }, (_, i) => `${KEY}-${from + i}`);
  await h.experiments.request('POST', `/v1/experiments/${KEY}/exposures`, { body: { exposures: units.map((unit) => ({ unit })) } });
  const events = units
    .filter((u, i) => (from + i) % (assign(u).variant === 0 ? 10 : 4) === 0)
    .map((unit) => ({ unit, metric: 'conversion', value: 1 }));
  await h.experiments.request('POST', `/v1/experiments/${KEY}/events`, { body: { events } });
}

const history = () => h.experiments.request('GET', `/v1/experiments/${KEY}/results/history`, { as: 'viewer' });

beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'history-model');
  await h.experiments.request('POST', '/v1/experiments', { body: experimentBody(KEY, 'history-model') });
  await h.experiments.request('POST', `/v1/experiments/${KEY}/start`);
});
afterAll(() => h.close());

describe('GET /v1/experiments/:key/results/history', () => {
  it('is empty before the first tick with units', async () => {
    await tick();
    expect((await history()).body).toEqual({ experiment: KEY, points: [] });
  });

  it('keeps a point per tick that saw enough new units, each equal to the live results of its moment', async () => {
    await traffic(0, 1000);
    await tick();
    const live1000 = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`)).body;
    await tick(); // no new units: no new point
    await traffic(1000, 1050);
    await tick(); // 5 % more units: below the 10 % step, no point
    await traffic(1050, 3000);
    await tick();
    const live3000 = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`)).body;

    const res = await history();
    expect(res.status).toBe(200);
    const points = res.body.points as { at: string; units: { variant: string; units: number }[]; comparisons: unknown[] }[];
    expect(points.map((p) => p.units.reduce((s, u) => s + u.units, 0))).toEqual([1000, 3000]);
    expect(Date.parse(points[0]!.at)).toBeLessThanOrEqual(Date.parse(points[1]!.at));
    // Recomputed from the stored statistics: the same comparisons as the live results then.
    expect(points[0]!.comparisons).toEqual(live1000.comparisons);
    expect(points[1]!.comparisons).toEqual(live3000.comparisons);
    // The confidence sequence narrows as units come in.
    const width = (p: (typeof points)[number]) => {
      const [lo, hi] = (p.comparisons[0] as { sequentialCi: [number, number] }).sequentialCi;
      return hi - lo;
    };
    expect(width(points[1]!)).toBeLessThan(width(points[0]!));
  });

  it('answers 404 for an unknown experiment', async () => {
    expect((await h.experiments.request('GET', '/v1/experiments/nope/results/history')).status).toBe(404);
  });
});
