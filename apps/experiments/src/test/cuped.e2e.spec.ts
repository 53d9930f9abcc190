import { assigner } from '@modelyard/assignment';
import { prng } from '@modelyard/platform/testing';
import { cuped, type CovariateSummary } from '@modelyard/stats';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

// CUPED through the HTTP API: covariates sent with the exposures or as their own events, outcomes
// as events; the results must equal the stats package's CUPED on the same units.
let h: Harness;
const KEY = 'exp-cuped';
const local = assigner({ seed: KEY, weights: [0.5, 0.5], coverage: 1 });
const variantOf = (unit: string) => (local(unit).variant === 0 ? 'control' : 'treatment');

/** Seeded units: x ~ U(0, 20) before the experiment, y = x + noise (+1 in treatment): ρ ≈ 0.86. */
const rand = prng(16);
const units = Array.from({ length: 4000 }, (_, i) => {
  const unit = `c${i}`;
  const x = 20 * rand();
  const y = x + 6 * (rand() - 0.5) * 2 + (variantOf(unit) === 'treatment' ? 1 : 0);
  return { unit, x, y };
});

function sumsOf(variant: string): CovariateSummary {
  const s = { n: 0, sumX: 0, sumX2: 0, sumY: 0, sumY2: 0, sumXY: 0 };
  for (const u of units.filter((v) => variantOf(v.unit) === variant)) {
    s.n++;
    s.sumX += u.x;
    s.sumX2 += u.x * u.x;
    s.sumY += u.y;
    s.sumY2 += u.y * u.y;
    s.sumXY += u.x * u.y;
  }
  return s;
}

beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'cuped-model', 2);
  const body = experimentBody(KEY, 'cuped-model', { primaryMetric: { name: 'revenue', kind: 'continuous', direction: 'higher' } });
  expect((await h.experiments.request('POST', '/v1/experiments', { body })).status).toBe(201);
  await h.experiments.request('POST', `/v1/experiments/${KEY}/start`);
});
afterAll(() => h.close());

const post = (path: string, body: unknown) => h.experiments.request('POST', `/v1/experiments/${KEY}/${path}`, { body, as: 'editor' });

describe('CUPED through the API', () => {
  it('adjusts with covariates sent on exposures or as their own events, in any order', async () => {
    const half = units.length / 2;
    // First half: covariate with the exposure, then the outcome.
    const early = units.slice(0, half);
    expect((await post('exposures', { exposures: early.map(({ unit, x }) => ({ unit, covariates: { revenue: x } })) })).status).toBe(200);
    await post('events', { events: early.map(({ unit, y }) => ({ unit, metric: 'revenue', value: y })) });
    // Second half: the outcome first, the covariate afterwards as its own event.
    const late = units.slice(half);
    await post('events', { events: late.map(({ unit, y }) => ({ unit, metric: 'revenue', value: y })) });
    const covariates = late.map(({ unit, x }) => ({ unit, metric: 'revenue', value: x, covariate: true }));
    expect((await post('events', { events: covariates })).body).toEqual({ accepted: late.length, ignored: 0 });

    const results = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`, { as: 'viewer' })).body;
    const expected = cuped([sumsOf('control'), sumsOf('treatment')]);
    const cmp = results.comparisons[0];
    expect(cmp.cuped.theta).toBeCloseTo(expected.theta, 9);
    expect(cmp.cuped.varianceReduction).toBeCloseTo(expected.varianceReduction, 9);
    expect(cmp.cuped.diff).toBeCloseTo(expected.adjusted[1]!.mean - expected.adjusted[0]!.mean, 9);
    expect(cmp.cuped.varianceReduction).toBeGreaterThan(0.6);
    const width = ([lo, hi]: [number, number]) => hi - lo;
    const ratio = width(cmp.cuped.diffCi) / width(cmp.diffCi);
    expect(ratio).toBeCloseTo(Math.sqrt(1 - expected.varianceReduction), 2);
    expect(width(cmp.cuped.sequentialCi)).toBeLessThan(width(cmp.sequentialCi));
    const control = results.variants.find((v: { key: string }) => v.key === 'control');
    expect(control.metrics.revenue.adjusted.mean).toBeCloseTo(expected.adjusted[0]!.mean, 9);
    expect(control.metrics.revenue.mean).toBeCloseTo(expected.raw[0]!.mean, 9);
    // The +1 effect is found on the adjusted metric, which carries the decision.
    expect(cmp.cuped.pValue).toBeLessThan(cmp.pValue);
    expect(cmp.significant).toBe(cmp.cuped.sequentialPValue < 0.05);
  });

  it('a replaced covariate moves the sums exactly', async () => {
    const u = units[0]!;
    await post('events', { events: [{ unit: u.unit, metric: 'revenue', value: u.x + 5, covariate: true }] });
    await post('events', { events: [{ unit: u.unit, metric: 'revenue', value: u.x, covariate: true }] });
    const results = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`, { as: 'viewer' })).body;
    expect(results.comparisons[0].cuped.theta).toBeCloseTo(cuped([sumsOf('control'), sumsOf('treatment')]).theta, 9);
  });

  it('refuses a covariate for a metric the experiment does not measure, naming it', async () => {
    const res = await post('exposures', { exposures: [{ unit: 'z1' }, { unit: 'z2', covariates: { revenue: 1, clicks: 2 } }] });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['exposures.1.covariates.clicks']);
    const bad = await post('exposures', { exposures: [{ unit: 'z3', covariates: { revenue: 'high' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('exposures.0.covariates.revenue');
  });
});
