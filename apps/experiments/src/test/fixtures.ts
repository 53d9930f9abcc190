import type { Experiment } from '../experiments/experiment.js';

/** A whole domain experiment for unit tests of pure rules; `change` overrides any field. */
export function experimentFixture(change: Partial<Experiment> = {}): Experiment {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    key: 'exp',
    model: 'ranker',
    description: null,
    status: 'running',
    variants: [
      { key: 'control', version: '1.0.0', weight: 0.5 },
      { key: 'treatment', version: '1.0.1', weight: 0.5 },
    ],
    control: 'control',
    coverage: 1,
    seed: 'exp',
    primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' },
    guardrails: [],
    minSampleSize: null,
    sequential: true,
    alpha: 0.05,
    autoPromote: false,
    autoPromoteEnabledBy: null,
    maxDurationHours: null,
    type: 'fixed',
    bandit: null,
    weightPeriods: [],
    revision: 1,
    createdBy: 'tester',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    startedAt: new Date('2026-01-01T00:00:00Z'),
    endedAt: null,
    conclusion: null,
    ...change,
  };
}
