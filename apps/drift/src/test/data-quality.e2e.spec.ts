import { prng, type TestApp } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';

// Data quality: missing values stored as missing and their share tested against the reference,
// type violations counted (or refused), values out of range, categories the reference never saw,
// and alert rules on those signals.
let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

type Quality = {
  name: string;
  missing: number;
  missingShare: number;
  referenceMissingShare: number;
  missingTest: { z: number; pValue: number; drifted: boolean; severity: string } | null;
  typeViolations: number;
  invalidSample: { value: unknown; message: string }[];
  outOfRange: number | null;
  range: { min: number | null; max: number | null } | null;
  unseenCategories: number | null;
  unseenSample: string[];
};
const byName = (quality: Quality[]) => new Map(quality.map((q) => [q.name, q]));

const check = async (id: string) => {
  const res = await app.request('POST', `/v1/monitors/${id}/check`);
  expect(res.status).toBe(200);
  return res.body;
};
const ingest = (id: string, body: unknown) => app.request('POST', `/v1/monitors/${id}/records`, { body, as: 'editor' });
const recordsIngested = async (id: string) => (await app.request('GET', `/v1/monitors/${id}`)).body.recordsIngested as number;

/** Records of the harness's stream with income left out (`null` or absent, alternately) at rate `share`. */
function withMissingIncome(seed: number, n: number, share: number) {
  const rand = prng(seed * 7919);
  return records(seed, n).map((r, i) => {
    if (rand() >= share) return r;
    const { income: _income, ...rest } = r.features;
    return { features: i % 2 ? { ...rest, income: null } : rest };
  });
}

describe('a stream whose missing share jumps', () => {
  it('is flagged on that feature and nowhere else, and fires the missing_share rule of that feature', async () => {
    const rules = [
      { signal: 'missing_share', feature: 'income', condition: '>', threshold: 0.1, windowSeconds: 3600, severity: 'high' },
      { signal: 'missing_share', feature: 'age', condition: '>', threshold: 0.1, windowSeconds: 3600, severity: 'high' },
    ];
    const { id } = await createMonitor(app, 'missing-jump', { alertRules: rules });
    // Reference: income missing in 2 % of 2,000 records; window: in 30 % of 500.
    const reference = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: withMissingIncome(11, 2000, 0.02) } });
    expect(reference.status).toBe(200);
    const window = withMissingIncome(12, 500, 0.3);
    const res = await ingest(id, { records: window });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 500, invalidValues: 0 });

    const report = await check(id);
    const quality = byName(report.quality);
    const income = quality.get('income')!;
    const missingNow = window.filter((r) => (r.features as { income?: number | null }).income == null).length;
    expect(income.missing).toBe(missingNow);
    expect(income.missingShare).toBeCloseTo(missingNow / 500, 12);
    expect(income.referenceMissingShare).toBeGreaterThan(0.01);
    expect(income.referenceMissingShare).toBeLessThan(0.03);
    expect(income.missingTest).toMatchObject({ drifted: true, severity: 'high' });
    expect(income.missingTest!.z).toBeGreaterThan(10);
    for (const name of ['age', 'plan']) {
      expect(quality.get(name)).toMatchObject({ missing: 0, missingShare: 0, referenceMissingShare: 0 });
      expect(quality.get(name)!.missingTest).toMatchObject({ z: 0, pValue: 1, drifted: false, severity: 'none' });
    }
    // The distribution tests ran on the present values and found nothing: the stream only lost values.
    expect(report.features.filter((f: { drifted: boolean }) => f.drifted)).toEqual([]);
    expect(report.features.map((f: { name: string }) => f.name)).toEqual(['age', 'income', 'plan']);
    const incomeRows = (await app.request('GET', `/v1/monitors/${id}/distributions/income`)).body;
    expect(incomeRows).toMatchObject({ currentRows: 500 - missingNow });
    expect(report.driftedShare).toBeCloseTo(1 / 3, 12);
    expect(report.severity).toBe('critical'); // high, raised one level for 1/3 of the features
    expect(report.recommendations.join(' ')).toMatch(/missing share of income moved from \d+\.\d % to \d+\.\d %/);

    expect(report.rules).toEqual([
      expect.objectContaining({ signal: 'missing_share', feature: 'income', value: missingNow / 500, severity: 'high' }),
    ]);
    const alerts = await app.request('GET', `/v1/alerts?monitorId=${id}`);
    const keys = alerts.body.items.map((a: { key: string }) => a.key).sort();
    expect(keys).toEqual(['drift', 'rule:missing_share[income]>0.1']);
    expect(alerts.body.items.find((a: { kind: string }) => a.kind === 'drift').message).toContain('missing share changed: income');
  });
});

describe('values of the wrong type', () => {
  const batch = () => {
    const good = records(21, 4);
    return [
      { features: { ...good[0]!.features, age: 'old' } },
      { features: { ...good[1]!.features, plan: 1.5 } },
      good[2]!,
      { features: { ...good[3]!.features, age: true } },
    ];
  };

  it('under onInvalid: count, keep the batch, are counted with a sample and stay out of the statistics', async () => {
    const { id } = await createMonitor(app, 'invalid-count');
    expect((await app.request('GET', `/v1/monitors/${id}`)).body.onInvalid).toBe('count');
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(20, 300) } });
    const res = await ingest(id, { records: batch() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 4, recordsIngested: 4, invalidValues: 3 });

    const report = await check(id);
    const quality = byName(report.quality);
    expect(quality.get('age')).toMatchObject({
      typeViolations: 2,
      typeViolationShare: 0.5,
      missing: 0,
      invalidSample: [
        { value: 'old', message: 'expected a number for a numeric column, got string' },
        { value: true, message: 'expected a number for a numeric column, got boolean' },
      ],
    });
    expect(quality.get('plan')).toMatchObject({ typeViolations: 1, missing: 0, invalidSample: [{ value: 1.5 }] });
    expect(quality.get('income')).toMatchObject({ typeViolations: 0, missing: 0, invalidSample: [] });
    // The statistics saw only the valid values: 2 ages, 3 plans.
    const distribution = await app.request('GET', `/v1/monitors/${id}/distributions/age`);
    expect(distribution.body.currentRows).toBe(2);
    expect((await app.request('GET', `/v1/monitors/${id}/distributions/plan`)).body.currentRows).toBe(3);
  });

  it('under onInvalid: reject, refuse the batch naming each field, and keep nothing', async () => {
    const { id } = await createMonitor(app, 'invalid-reject', { onInvalid: 'reject' });
    const res = await ingest(id, { records: batch() });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'records.0.features.age',
      'records.1.features.plan',
      'records.3.features.age',
    ]);
    expect(await recordsIngested(id)).toBe(0);
    // Switching to count keeps the next such batch.
    const patched = await app.request('PATCH', `/v1/monitors/${id}`, { body: { onInvalid: 'count' } });
    expect(patched.body.onInvalid).toBe('count');
    expect((await ingest(id, { records: batch() })).body).toMatchObject({ accepted: 4, invalidValues: 3 });
  });
});

describe('values out of range and unseen categories', () => {
  it('counts numeric values outside the declared or reference range and categories the reference never saw', async () => {
    const features = [
      { name: 'age', kind: 'numeric' },
      { name: 'income', kind: 'numeric', min: 0 },
      { name: 'plan', kind: 'categorical' },
    ];
    const { id } = await createMonitor(app, 'ranges', { features });
    const reference = { columns: { age: [20, 30, 40, 50, 60], income: [10, 20, 30, 40, 50], plan: ['basic', 'pro', 'pro', 'team', null] } };
    expect((await app.request('POST', `/v1/monitors/${id}/reference`, { body: reference })).status).toBe(200);
    const window = [
      { age: 19, income: -5, plan: 'enterprise' },
      { age: 61, income: 1000, plan: 'pro' },
      { age: 40, income: 0, plan: 'enterprise' },
      { age: 20, income: 25, plan: 'trial' },
    ];
    expect((await ingest(id, { records: window.map((features) => ({ features })) })).status).toBe(200);
    const quality = byName((await check(id)).quality);
    // age: reference range [20, 60]; income: declared min 0, reference max 50.
    expect(quality.get('age')).toMatchObject({ outOfRange: 2, outOfRangeShare: 0.5, range: { min: 20, max: 60 } });
    expect(quality.get('income')).toMatchObject({ outOfRange: 2, range: { min: 0, max: 50 } });
    expect(quality.get('plan')).toMatchObject({
      unseenCategories: 3,
      unseenCategoryShare: 0.75,
      unseenSample: ['enterprise', 'trial'],
      referenceMissingShare: 0.2,
      outOfRange: null,
    });
  });
});

describe('validation of the new options', () => {
  it('refuses rules on a feature signal without a feature or on an unknown one, and ranges on categorical features', async () => {
    const bad = await app.request('POST', '/v1/monitors', {
      body: {
        name: 'bad-quality',
        model: 'churn',
        features: [
          { name: 'age', kind: 'numeric', min: 10, max: 5 },
          { name: 'plan', kind: 'categorical', max: 3 },
        ],
        window: { size: 100 },
        schedule: { everySeconds: 3600 },
        onInvalid: 'reject',
        alertRules: [
          { signal: 'missing_share', condition: '>', threshold: 0.1 },
          { signal: 'out_of_range_share', feature: 'colour', condition: '>', threshold: 0.1 },
          { signal: 'error_rate', feature: 'age', condition: '>', threshold: 0.1 },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'features.0.max',
      'features.1.max',
      'alertRules.0.feature',
      'alertRules.1.feature',
      'alertRules.2.feature',
    ]);
    const { id } = await createMonitor(app, 'patch-rules');
    const patch = await app.request('PATCH', `/v1/monitors/${id}`, {
      body: { alertRules: [{ signal: 'unseen_category_share', feature: 'colour', condition: '>', threshold: 0 }] },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].field).toBe('alertRules.0.feature');
    const wrong = await app.request('POST', '/v1/monitors', { body: { name: 'x', onInvalid: 'ignore' } });
    expect(wrong.status).toBe(400);
  });
});
