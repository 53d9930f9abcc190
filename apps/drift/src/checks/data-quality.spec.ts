import { missingShareTest } from '@modelyard/stats';
import type { FeatureSpec } from '@modelyard/types';
import { featureQuality, invalidByFeature, qualityBaseline } from './data-quality.js';
import { analyse } from './drift-analysis.js';

const age: FeatureSpec = { name: 'age', kind: 'numeric', test: 'auto' };
const plan: FeatureSpec = { name: 'plan', kind: 'categorical', test: 'auto' };
const bad = (...entries: [string, unknown][]) => JSON.stringify(entries.map(([f, v]) => [f, v, `bad ${String(v)}`]));

describe('type violations from the $invalid column', () => {
  it('counts per feature over the rows read and keeps the last five as a sample', () => {
    const column = [bad(['age', 'a']), null, bad(['age', 'b'], ['plan', 1.5]), ...['c', 'd', 'e', 'f', 'g'].map((v) => bad(['age', v]))];
    const all = invalidByFeature(column, null);
    expect(all.get('age')!.count).toBe(7);
    expect(all.get('age')!.sample.map((s) => s.value)).toEqual(['c', 'd', 'e', 'f', 'g']);
    expect(all.get('plan')).toEqual({ count: 1, sample: [{ value: 1.5, message: 'bad 1.5' }] });
    const some = invalidByFeature(column, [0, 1, 2]);
    expect(some.get('age')!.count).toBe(2);
    expect(invalidByFeature(undefined, null).size).toBe(0);
  });
});

describe('featureQuality', () => {
  it('separates missing values from type violations and tests the change of the missing share', () => {
    // Reference: 8 present, 2 missing. Window: 10 rows, 3 absent of which 1 was a type violation.
    const baseline = qualityBaseline(age, { kind: 'numeric', values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), missing: 2 });
    const column = Float64Array.from([1, NaN, 2, NaN, 9, 0, NaN, 3, 4, 5]);
    const q = featureQuality(baseline, column, null, { count: 1, sample: [{ value: 'x', message: 'bad' }] });
    const expected = missingShareTest(2, 10, 2, 10);
    expect(q).toMatchObject({
      missing: 2,
      missingShare: 0.2,
      referenceMissingShare: 0.2,
      typeViolations: 1,
      typeViolationShare: 0.1,
      // 9 > 8 and 0 < 1: reference range [1, 8].
      outOfRange: 2,
      outOfRangeShare: 2 / 7,
      range: { min: 1, max: 8 },
      unseenCategories: null,
    });
    expect(q.missingTest).toEqual({ z: expected.z, pValue: expected.pValue, threshold: 0.05, drifted: false, severity: 'none' });
  });

  it('lets a declared bound win over the reference, bound by bound', () => {
    const baseline = qualityBaseline({ ...age, max: 100 }, { kind: 'numeric', values: Float64Array.from([10, 20]) });
    expect(baseline.range).toEqual({ min: 10, max: 100 });
    expect(featureQuality(baseline, Float64Array.from([5, 50, 150]), null, undefined).outOfRange).toBe(2);
  });

  it('counts categories the reference never saw, and has no test without a reference', () => {
    const counts = Object.assign(Object.create(null) as Record<string, number>, { basic: 3, pro: 2 });
    const q = featureQuality(
      qualityBaseline(plan, { kind: 'categorical', counts }),
      ['basic', 'team', null, 'constructor', 'team'],
      null,
      undefined,
    );
    expect(q).toMatchObject({ missing: 1, unseenCategories: 3, unseenCategoryShare: 0.75, unseenSample: ['team', 'constructor'] });
    const none = featureQuality(qualityBaseline(plan, undefined), ['a', null], null, undefined);
    expect(none).toMatchObject({ referenceMissingShare: null, missingTest: null, unseenCategories: null });
  });

  it('flags a missing-share jump with the p-value severity rule and the feature threshold', () => {
    const baseline = qualityBaseline(
      { ...age, missingThreshold: 0.01 },
      { kind: 'numeric', values: new Float64Array(980).fill(1), missing: 20 },
    );
    const column = Float64Array.from({ length: 500 }, (_, i) => (i % 10 < 3 ? NaN : 1));
    const q = featureQuality(baseline, column, null, undefined);
    const expected = missingShareTest(150, 500, 20, 1000);
    expect(q.missingTest).toEqual({ z: expected.z, pValue: expected.pValue, threshold: 0.01, drifted: true, severity: 'high' });
  });
});

describe('report body with data quality', () => {
  const n = 40;
  const window = {
    n,
    values: new Map<string, Float64Array | (string | null)[]>([
      ['age', Float64Array.from({ length: n }, (_, i) => (i < 20 ? NaN : i))],
      ['plan', Array.from({ length: n }, (_, i) => (i % 2 ? 'pro' : 'basic'))],
      ['$ts', Float64Array.from({ length: n }, (_, i) => (i < 30 ? 0 : 1_000_000))],
      ['$invalid', new Array<string | null>(n).fill(null)],
    ]),
  };
  const input = {
    monitorName: 'm',
    features: [age, plan],
    prediction: null,
    label: null,
    reference: new Map([
      ['age', { kind: 'numeric' as const, values: Float64Array.from({ length: 40 }, (_, i) => i), missing: 0 }],
      [
        'plan',
        { kind: 'categorical' as const, counts: Object.assign(Object.create(null) as Record<string, number>, { basic: 20, pro: 20 }) },
      ],
    ]),
    window,
    now: 1_000_000,
  };

  it('flags the feature whose missing share jumped, and a missing_share rule over the rule window only', () => {
    const rule = { signal: 'missing_share' as const, feature: 'age', condition: '>' as const, windowSeconds: 10, severity: 'low' as const };
    const body = analyse({ ...input, rules: [{ ...rule, threshold: 0.1, message: '{feature} {value}' }] });
    expect(body.quality.map((q) => [q.name, q.missingShare, q.missingTest?.drifted])).toEqual([
      ['age', 0.5, true],
      ['plan', 0, false],
    ]);
    expect(body.driftedShare).toBe(0.5);
    // The last 10 rows (ts within 10 s of now) have no missing age: the rule does not fire.
    expect(body.rules).toEqual([]);
    const wide = analyse({ ...input, rules: [{ ...rule, windowSeconds: 2000, threshold: 0.1, message: '{feature} {value}' }] });
    expect(wide.rules).toEqual([expect.objectContaining({ feature: 'age', value: 0.5, message: 'age 0.5' })]);
  });
});
