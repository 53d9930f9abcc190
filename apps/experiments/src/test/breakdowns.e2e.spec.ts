import { assigner } from '@modelyard/assignment';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

// Breakdowns through the HTTP API: dimensions on exposures, results per dimension value.
let h: Harness;
const KEY = 'exp-slices';
const local = assigner({ seed: KEY, weights: [0.5, 0.5], coverage: 1 });
const variantOf = (unit: string) => (local(unit).variant === 0 ? 'control' : 'treatment');

beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'slices-model', 2);
  expect((await h.experiments.request('POST', '/v1/experiments', { body: experimentBody(KEY, 'slices-model') })).status).toBe(201);
  await h.experiments.request('POST', `/v1/experiments/${KEY}/start`);
});
afterAll(() => h.close());

const post = (path: string, body: unknown) => h.experiments.request('POST', `/v1/experiments/${KEY}/${path}`, { body, as: 'editor' });

// 25 countries (the first 20 seen get slices, the rest pool into `other`) and 2 platforms.
const units = Array.from({ length: 3000 }, (_, i) => ({
  unit: `s${i}`,
  country: `C${String(i % 25).padStart(2, '0')}`,
  platform: i % 3 === 0 ? 'ios' : 'web',
  converted: i % 7 === 0 || (i % 3 === 0 && i % 11 === 0),
}));

interface Slice {
  dimension: string;
  value: string;
  exploratory: boolean;
  variants: { variant: string; units: number; mean: number | null }[];
  comparisons: { pValue: number; adjustedPValue: number; adjustedCi: [number, number]; significant: boolean }[];
}

describe('breakdowns', () => {
  it('keeps sufficient statistics per dimension value, bounded, and reports them as exploratory', async () => {
    const exposures = units.map(({ unit, country, platform }) => ({ unit, dimensions: { country, platform } }));
    expect((await post('exposures', { exposures })).status).toBe(200);
    const events = units.filter((u) => u.converted).map(({ unit }) => ({ unit, metric: 'conversion', value: 1 }));
    await post('events', { events });

    const r = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`, { as: 'viewer' })).body;
    const slices = r.breakdowns as Slice[];
    const countries = slices.filter((s) => s.dimension === 'country').map((s) => s.value);
    expect(countries).toEqual([...Array.from({ length: 20 }, (_, i) => `C${String(i).padStart(2, '0')}`), 'other']);
    expect(slices.filter((s) => s.dimension === 'platform').map((s) => s.value)).toEqual(['ios', 'web']);
    expect(slices.every((s) => s.exploratory)).toBe(true);

    const members = (s: Slice) =>
      units.filter((u) =>
        s.dimension === 'platform' ? u.platform === s.value : s.value === 'other' ? u.country >= 'C20' : u.country === s.value,
      );
    for (const s of slices) {
      for (const v of s.variants) {
        const mine = members(s).filter((u) => variantOf(u.unit) === v.variant);
        expect([s.value, v.variant, v.units]).toEqual([s.value, v.variant, mine.length]);
        expect(v.mean).toBeCloseTo(mine.filter((u) => u.converted).length / mine.length, 12);
      }
      const c = s.comparisons[0]!;
      // 23 slices × 1 treatment: Bonferroni over 23 comparisons.
      expect(c.adjustedPValue).toBeCloseTo(Math.min(1, 23 * c.pValue), 12);
      expect(c.significant).toBe(c.adjustedPValue < 0.05);
    }
    // A unit's later exposure does not move it to another slice.
    await post('exposures', { exposures: [{ unit: 's0', dimensions: { country: 'C07', platform: 'android' } }] });
    const again = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`, { as: 'viewer' })).body;
    expect(again.breakdowns).toEqual(r.breakdowns);
  });

  it('refuses more than 5 dimensions on an exposure or a value with |, naming the field', async () => {
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`d${i}`, 'x']));
    const res = await post('exposures', { exposures: [{ unit: 'z', dimensions: six }] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('exposures.0.dimensions');
    const pipe = await post('exposures', { exposures: [{ unit: 'z', dimensions: { country: 'a|b' } }] });
    expect(pipe.status).toBe(400);
    expect(pipe.body.errors[0].field).toBe('exposures.0.dimensions.country');
  });

  it('gives the first 5 dimension names their slices and ignores later ones', async () => {
    const names = ['a1', 'a2', 'a3', 'a4'];
    await post('exposures', { exposures: [{ unit: 'n1', dimensions: Object.fromEntries(names.map((n) => [n, 'v'])) }] });
    const r = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`, { as: 'viewer' })).body;
    const dims = [...new Set((r.breakdowns as Slice[]).map((s) => s.dimension))].sort();
    expect(dims).toEqual(['a1', 'a2', 'a3', 'country', 'platform']);
  });
});
