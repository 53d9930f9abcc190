import type { Pipeline } from '../pipelines/pipeline.js';

/** A whole domain pipeline for unit tests of pure rules; `change` overrides any field. */
export function pipelineFixture(change: Partial<Pipeline> = {}): Pipeline {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'churn',
    model: 'churn-model',
    description: null,
    state: 'active',
    learner: { type: 'logistic_regression', optimizer: 'ftrl', hyperparameters: { alpha: 0.2 } },
    features: [
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'categorical' },
    ],
    target: 'y',
    strategy: 'mini_batch',
    batchSize: 100,
    minSamples: 1,
    maxBuffer: 5000,
    scheduleSeconds: null,
    adaptive: null,
    gate: { metric: 'accuracy', direction: 'higher', tolerance: 0, holdout: 20 },
    register: { stage: 'staging', startExperiment: false, experimentMetric: 'conversion', autoPromote: false },
    autoPromoteEnabledBy: null,
    onDrift: 'warm_start',
    consumedThrough: 0n,
    samplesSeen: 0n,
    updateSeq: 0,
    currentVersion: null,
    createdBy: 'tester',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...change,
  };
}
