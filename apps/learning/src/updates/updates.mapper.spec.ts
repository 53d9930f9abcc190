import type { LearningCheckpoint, LearningUpdate } from '@modelyard/db';
import { LogisticRegression, ProgressiveValidator, createMetric, type LinearModel } from '@modelyard/learners';
import { restoreLearner, restoreLifetime } from './learner.js';
import { metricsJson, toCheckpoint, toUpdateEntry, toUpdateRun } from './updates.mapper.js';

const model = new LogisticRegression({ dim: 8, optimizer: 'ftrl', alpha: 0.2 });
model.learnOne({ a: 1 }, 1);
const progressive = new ProgressiveValidator(model, [createMetric('accuracy', { window: 1000 })]);
progressive.process({ x: { a: 2 }, y: 0 });

/** A stored JSON document, as Postgres hands it back. */
const stored = (value: unknown) => JSON.parse(JSON.stringify(value)) as LearningCheckpoint['model'];

const checkpoint = (change: Partial<LearningCheckpoint> = {}): LearningCheckpoint => ({
  id: '00000000-0000-4000-8000-000000000003',
  pipelineId: '00000000-0000-4000-8000-000000000002',
  seq: 4,
  model: stored(model.toJSON()),
  progressive: stored(progressive.toJSON()),
  samplesSeen: 2n,
  metrics: { 'accuracy@1000': 1, roc_auc: null },
  version: '1.0.3',
  createdAt: new Date(),
  ...change,
});

describe('checkpoint mapper', () => {
  it('gives states the learners restore as they were', () => {
    const c = toCheckpoint(checkpoint());
    const restored = restoreLearner(c.model);
    expect(restored.predictOne({ a: 1 })).toBe(model.predictOne({ a: 1 }));
    const lifetime = restoreLifetime(c.progressive, restored as LinearModel);
    expect(lifetime.map((m) => m.get())).toEqual(progressive.metrics.map((m) => m.get()));
    expect(c.metrics).toEqual({ 'accuracy@1000': 1, roc_auc: null });
  });

  it.each<[string, Partial<LearningCheckpoint>, string]>([
    ['a model that is not a learner state', { model: { weights: [] } }, 'learning_checkpoints.model of'],
    ['progress without metrics', { progressive: { delay: 0, pending: [] } }, 'learning_checkpoints.progressive of'],
    ['metrics that are not numbers', { metrics: { accuracy: 'high' } }, 'learning_checkpoints.metrics.accuracy of'],
  ])('refuses %s, naming the row and column', (_, change, message) => {
    expect(() => toCheckpoint(checkpoint(change))).toThrow(message);
  });
});

describe('update mapper', () => {
  const row: LearningUpdate = {
    id: '00000000-0000-4000-8000-000000000004',
    pipelineId: '00000000-0000-4000-8000-000000000002',
    seq: 1,
    reason: 'drift',
    outcome: 'failed',
    samples: 0,
    holdout: 0,
    metricsBefore: {},
    metricsAfter: {},
    gate: null,
    version: null,
    experimentKey: null,
    driftReportId: 'r-1',
    detail: 'registry unavailable',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:00:01Z'),
  };

  it('answers a history row as stored', () => {
    expect(toUpdateEntry(toUpdateRun(row))).toEqual({
      id: row.id,
      seq: 1,
      reason: 'drift',
      outcome: 'failed',
      samples: 0,
      holdout: 0,
      metricsBefore: {},
      metricsAfter: {},
      gate: null,
      version: null,
      experimentKey: null,
      driftReportId: 'r-1',
      detail: 'registry unavailable',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
    });
  });

  it('writes NaN metrics as null', () => {
    const values = { accuracy: 0.5, roc_auc: NaN, mae: Infinity };
    expect(metricsJson(values)).toEqual({ accuracy: 0.5, roc_auc: null, mae: null });
  });
});
