import { assigner } from '@modelyard/assignment';
import { holm, sequentialSrm } from '@modelyard/stats';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

// Three arms through the HTTP API: Holm-adjusted p-values, expected loss and the always-valid SRM.
let h: Harness;
const KEY = 'exp-honest';
const VARIANTS = ['control', 'b', 'c'];
const local = assigner({ seed: KEY, weights: [1, 1, 1], coverage: 1 });
const variantOf = (unit: string) => VARIANTS[local(unit).variant]!;

beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'honest-model', 3);
  const body = experimentBody(KEY, 'honest-model', {
    variants: VARIANTS.map((key, i) => ({ key, version: `1.0.${i}`, weight: 1 })),
    sequential: false,
  });
  expect((await h.experiments.request('POST', '/v1/experiments', { body })).status).toBe(201);
  await h.experiments.request('POST', `/v1/experiments/${KEY}/start`);
});
afterAll(() => h.close());

const post = (path: string, body: unknown) => h.experiments.request('POST', `/v1/experiments/${KEY}/${path}`, { body, as: 'editor' });

describe('honest statistics with more than one treatment', () => {
  it('adjusts p-values across treatments, gives the risk of each, and checks SRM sequentially', async () => {
    const units = Array.from({ length: 6000 }, (_, i) => `h${i}`);
    await post('exposures', { exposures: units.map((unit) => ({ unit })) });
    // Seeded conversions: every 10th unit converts, plus every 25th in b.
    const converted = units.filter((u, i) => i % 10 === 0 || (variantOf(u) === 'b' && i % 25 === 3));
    await post('events', { events: converted.map((unit) => ({ unit, metric: 'conversion', value: 1 })) });

    const r = (await h.experiments.request('GET', `/v1/experiments/${KEY}/results`, { as: 'viewer' })).body;
    const primary = r.comparisons.filter((c: { metric: string }) => c.metric === 'conversion');
    const expected = holm(primary.map((c: { pValue: number }) => c.pValue));
    expect(primary.map((c: { adjustedPValue: number }) => c.adjustedPValue)).toEqual(expected);
    for (const c of primary) {
      expect(c.significant).toBe(c.adjustedPValue < 0.05);
      expect(c.adjustedCi[1] - c.adjustedCi[0]).toBeGreaterThan(c.diffCi[1] - c.diffCi[0]);
      expect(c.risk.treatment).toBeGreaterThanOrEqual(0);
      expect(c.risk.control).toBeGreaterThanOrEqual(0);
    }
    const b = primary.find((c: { variant: string }) => c.variant === 'b');
    expect(b.risk.treatment).toBeLessThan(b.risk.control);
    const counts = VARIANTS.map((v) => units.filter((u) => variantOf(u) === v).length);
    expect(r.variants.map((v: { units: number }) => v.units)).toEqual(counts);
    expect(r.srm.sequentialPValue).toBeCloseTo(sequentialSrm(counts, [1, 1, 1]).pValue, 12);
    expect(r.srm.flagged).toBe(false);
  });
});
