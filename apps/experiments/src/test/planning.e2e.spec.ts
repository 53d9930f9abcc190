import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildExperiments } from '../config.js';

// Reference values: packages/stats/test/reference/gen_planning.py (statsmodels' NormalIndPower
// power equation solved with scipy).
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildExperiments);
});
afterAll(() => app.close());

const plan = (body: unknown, as: 'viewer' | null = 'viewer') => app.request('POST', '/v1/experiments/plan', { body, as });

describe('POST /v1/experiments/plan', () => {
  it('plans a conversion test: units per variant, days, and the cost of the sequential test', async () => {
    const res = await plan({ metric: 'binomial', baseline: { rate: 0.1 }, mde: { value: 0.1 }, dailyUnits: 5000 });
    expect(res.status).toBe(200);
    // NormalIndPower().solve_power(effect_size=proportion_effectsize(0.11, 0.1), alpha=0.05, power=0.8) → 14744.10483684137
    expect(res.body.fixed).toEqual({ unitsPerVariant: 14745, totalUnits: 29490, days: 6 });
    expect(res.body.effectSize).toBeCloseTo(0.03262940076737697, 12);
    expect(res.body.absoluteEffect).toBeCloseTo(0.01, 12);
    expect(res.body.sequential.unitsPerVariant).toBeGreaterThan(14745);
    expect(res.body.sequential.extraUnitsShare).toBeCloseTo(res.body.sequential.unitsPerVariant / 14745 - 1, 12);
    expect(res.body.sequential.days).toBe(Math.ceil(res.body.sequential.totalUnits / 5000));
  });

  it('plans a continuous metric with an absolute mde and 3 variants (alpha split between the two treatments)', async () => {
    const body = {
      metric: 'continuous',
      baseline: { mean: 50, sd: 20 },
      mde: { value: 1, type: 'absolute' },
      variants: 3,
      sequential: false,
    };
    const res = await plan(body);
    // d = 1/20 = 0.05; NormalIndPower().solve_power(effect_size=0.05, alpha=0.025, power=0.8, ratio=1) → 7604.02850396732
    expect(res.body).toMatchObject({
      alphaPerComparison: 0.025,
      sequential: null,
      fixed: { unitsPerVariant: 7605, totalUnits: 22815, days: null },
    });
  });

  it('refuses bad input with a problem naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ metric: 'binomial', baseline: {}, mde: { value: 0.1 } }, 'baseline.rate'],
      [{ metric: 'continuous', baseline: { mean: 3 }, mde: { value: 0.1 } }, 'baseline.sd'],
      [{ metric: 'binomial', baseline: { rate: 1.5 }, mde: { value: 0.1 } }, 'baseline.rate'],
      [{ metric: 'binomial', baseline: { rate: 0.9 }, mde: { value: 0.2 } }, 'mde.value'],
      [{ metric: 'binomial', baseline: { rate: 0.1 }, mde: { value: -1 } }, 'mde.value'],
      [{ metric: 'continuous', baseline: { mean: 0, sd: 1 }, mde: { value: 0.1 } }, 'baseline.mean'],
      [{ metric: 'binomial', baseline: { rate: 0.1 }, mde: { value: 1e-9 } }, 'mde.value'],
      [{ metric: 'binomial', baseline: { rate: 0.1 }, mde: { value: 0.1 }, power: 1 }, 'power'],
      [{ metric: 'binomial', baseline: { rate: 0.1 }, mde: { value: 0.1 }, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await plan(body);
      expect([field, res.status, res.headers.get('content-type')]).toEqual([
        field,
        400,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('needs a credential and is in the OpenAPI document', async () => {
    expect((await plan({ metric: 'binomial', baseline: { rate: 0.1 }, mde: { value: 0.1 } }, null)).status).toBe(401);
    const doc = (await app.request('GET', '/openapi.json', { as: null })).body;
    expect(Object.keys(doc.paths['/v1/experiments/plan'])).toEqual(['post']);
  });
});
