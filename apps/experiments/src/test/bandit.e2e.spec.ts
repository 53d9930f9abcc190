import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
const tick = () => h.experiments.app.get(ExperimentsTick).tick(new Date(), true);
const KEY = 'bandit-3';

beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'bandit-model', 3);
});
afterAll(async () => {
  await h.close();
});

const variants = [
  { key: 'control', version: '1.0.0', weight: 0.8 },
  { key: 'a', version: '1.0.1', weight: 0.1 },
  { key: 'b', version: '1.0.2', weight: 0.1 },
];
const post = (path: string, body: unknown) => h.experiments.request('POST', `/v1/experiments/${KEY}/${path}`, { body });
const units = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function assigned(list: string[]): Promise<Map<string, string>> {
  const items = (await post('assignments', { units: list })).body.items as { unit: string; variant: string }[];
  return new Map(items.map((i) => [i.unit, i.variant]));
}

/** Exposes the units and converts 5 % of control's and a's units, 30 % of b's (every 20th / every 10th·3). */
async function expose(list: string[]) {
  const variantOf = await assigned(list);
  expect((await post('exposures', { exposures: list.map((unit) => ({ unit })) })).status).toBe(200);
  const converts = list.filter((u, i) => (variantOf.get(u) === 'b' ? i % 10 < 3 : i % 20 === 0));
  await post('events', { events: converts.map((unit) => ({ unit, metric: 'conversion', value: 1 })) });
  return variantOf;
}

describe('a bandit experiment', () => {
  it('starts with equal weights, re-weighs after its burn-in, keeps assigned units where they are, and checks SRM against the weights in force', async () => {
    const created = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody(KEY, 'bandit-model', { variants, type: 'bandit', bandit: { burnInUnits: 600 } }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'bandit', bandit: { floor: 0.01, burnInUnits: 600 }, weightPeriods: [] });
    expect(created.body.variants.map((v: { weight: number }) => v.weight)).toEqual([1, 1, 1]);
    await h.experiments.request('POST', `/v1/experiments/${KEY}/start`);

    // Burn-in: 300 units is not enough, nothing moves.
    const first = await expose(units('u', 300));
    await tick();
    expect((await h.experiments.request('GET', `/v1/experiments/${KEY}`)).body.weightPeriods).toEqual([]);

    await expose(units('v', 600));
    await tick();
    const experiment = (await h.experiments.request('GET', `/v1/experiments/${KEY}`)).body;
    expect(experiment.weightPeriods).toHaveLength(1);
    const [period] = experiment.weightPeriods;
    expect(period.unitsAtStart.reduce((s: number, n: number) => s + n, 0)).toBe(900);
    const weights = experiment.variants.map((v: { weight: number }) => v.weight);
    expect(weights).toEqual(period.weights);
    expect(weights[2]).toBeGreaterThan(0.95);
    expect(Math.min(...weights)).toBeGreaterThanOrEqual(0.01);

    // Units assigned before keep their variant; new ones mostly go to b.
    await new Promise((r) => setTimeout(r, 1_100)); // past the assignment config cache
    expect(await assigned([...first.keys()])).toEqual(first);
    const later = await expose(units('w', 400));
    const toB = [...later.values()].filter((v) => v === 'b').length;
    expect(toB).toBeGreaterThan(340);

    const results = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`)).body;
    expect(results.bandit.weights).toEqual(weights);
    expect(results.bandit.periods[0].units.reduce((s: number, n: number) => s + n, 0)).toBe(400);
    // 900 burn-in units at 1/3 each, then 400 at the period's weights.
    const expected = period.weights.map((w: number) => (300 + 400 * w) / 1300);
    results.srm.expectedShares.forEach((s: number, i: number) => expect(s).toBeCloseTo(expected[i], 9));
    expect(results.srm.flagged).toBe(false);
  });

  it('refuses weights set by hand, and bandit settings that cannot hold', async () => {
    const patch = await h.experiments.request('PATCH', `/v1/experiments/${KEY}`, { body: { weights: { control: 1 } } });
    expect(patch.status).toBe(409);
    const tooHigh = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('bandit-floor', 'bandit-model', { variants, type: 'bandit', bandit: { floor: 0.4, burnInUnits: 10 } }),
    });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.errors).toEqual([expect.objectContaining({ field: 'bandit.floor' })]);
    const notBandit = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('not-bandit', 'bandit-model', { bandit: { floor: 0.05 } }),
    });
    expect(notBandit.status).toBe(400);
    expect(notBandit.body.errors).toEqual([expect.objectContaining({ field: 'bandit' })]);
  });
});
