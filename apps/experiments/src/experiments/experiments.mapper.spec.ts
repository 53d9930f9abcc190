import type { ExperimentGuardrail, ExperimentVariant } from '@modelyard/db';
import { toExperiment, toExperimentResponse, toGuardrailRows, toVariantRows, type ExperimentRow } from './experiments.mapper.js';

const ID = '00000000-0000-4000-8000-000000000003';
const variant = (key: string, position: number, weight: number): ExperimentVariant => ({
  experimentId: ID,
  key,
  position,
  version: `1.0.${position}`,
  weight,
});
const latency: ExperimentGuardrail = {
  experimentId: ID,
  position: 0,
  metric: 'latency',
  kind: 'continuous',
  direction: 'lower',
  maxRelativeDegradation: 0.1,
};
const conclusion = {
  winner: 'b',
  recommendation: { action: 'ship', variant: 'b', reason: 'b beats control on ctr' },
  promoted: true,
  promotionError: null,
  concludedBy: 'alice',
  concludedAt: '2026-01-03T00:00:00.000Z',
  reason: null,
};

const row = (change: Partial<ExperimentRow> = {}): ExperimentRow => ({
  id: ID,
  key: 'exp',
  model: 'ranker',
  description: null,
  status: 'concluded',
  control: 'a',
  coverage: 0.5,
  seed: 'seed',
  primaryMetricName: 'ctr',
  primaryMetricKind: 'binomial',
  primaryMetricDirection: 'higher',
  minSampleSize: 100,
  sequential: true,
  alpha: 0.05,
  autoPromote: true,
  autoPromoteEnabledBy: 'alice',
  maxDurationHours: null,
  type: 'fixed',
  bandit: null,
  weightPeriods: [],
  revision: 3,
  createdBy: 'bob',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-03T00:00:00Z'),
  startedAt: new Date('2026-01-02T00:00:00Z'),
  endedAt: new Date('2026-01-03T00:00:00Z'),
  conclusion,
  variants: [variant('a', 0, 0.3), variant('b', 1, 0.7)],
  guardrails: [latency],
  ...change,
});

describe('experiment mapper', () => {
  it('answers the row as the API always did: variants in order, metrics, the conclusion', () => {
    const body = toExperimentResponse(toExperiment(row()));
    expect(body).toMatchObject({
      variants: [
        { key: 'a', version: '1.0.0', weight: 0.3 },
        { key: 'b', version: '1.0.1', weight: 0.7 },
      ],
      primaryMetric: { name: 'ctr', kind: 'binomial', direction: 'higher' },
      guardrails: [{ name: 'latency', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.1 }],
      conclusion,
      autoPromoteEnabledBy: 'alice',
      startedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(Object.keys(body.variants[0]!)).toEqual(['key', 'version', 'weight']);
    expect(toExperiment(row({ conclusion: null })).conclusion).toBeNull();
  });

  it('writes variants and guardrails with their positions, and reads them back the same', () => {
    const e = toExperiment(row());
    const variants = toVariantRows(e.variants).map((v) => ({ experimentId: ID, ...v }));
    const guardrails = toGuardrailRows(e.guardrails).map((g) => ({ experimentId: ID, ...g }));
    expect(variants).toEqual(row().variants);
    expect(guardrails).toEqual([latency]);
    expect(toExperiment(row({ variants, guardrails }))).toEqual(e);
  });

  it('names the row and column of a damaged conclusion', () => {
    expect(() => toExperiment(row({ conclusion: { winner: 'b' } }))).toThrow(`experiments_experiments.conclusion.recommendation of ${ID}`);
  });
});
