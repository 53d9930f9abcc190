import type { LearningPipeline } from '@modelyard/db';
import { toPipeline, toPipelineResponse } from './pipelines.mapper.js';

const row = (change: Partial<LearningPipeline> = {}): LearningPipeline => ({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'p',
  model: 'm',
  description: null,
  state: 'active',
  learner: { type: 'linear_regression', optimizer: 'adagrad', hyperparameters: {} },
  features: [{ name: 'a', kind: 'numeric' }],
  target: 'y',
  strategy: 'periodic',
  batchSize: 10,
  minSamples: 1,
  maxBuffer: 1000,
  scheduleSeconds: 60,
  adaptive: null,
  gate: { metric: 'rmse', direction: 'lower', tolerance: 0.5, holdout: 20 },
  register: { stage: 'testing', startExperiment: true, experimentMetric: 'ctr', autoPromote: true },
  autoPromoteEnabledBy: null,
  onDrift: 'reset',
  consumedThrough: 5n,
  samplesSeen: 3n,
  updateSeq: 2,
  currentVersion: '1.0.1',
  createdBy: 'me',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
  ...change,
});

describe('pipeline mapper', () => {
  it('parses the JSON columns into the domain type and answers them as stored', () => {
    const p = toPipeline(row());
    expect(p.gate).toEqual({ metric: 'rmse', direction: 'lower', tolerance: 0.5, holdout: 20 });
    expect(p.register.autoPromote).toBe(true);
    expect(p.adaptive).toBeNull();
    const body = toPipelineResponse(p);
    expect(body).toMatchObject({ strategy: 'periodic', onDrift: 'reset', schedule: { everySeconds: 60 } });
    expect(body.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(toPipelineResponse(toPipeline(row({ scheduleSeconds: null }))).schedule).toBeNull();
  });

  it('reads a register spec stored before autoPromote existed as off', () => {
    const before = { stage: 'staging', startExperiment: false, experimentMetric: 'conversion' };
    expect(toPipeline(row({ register: before })).register).toEqual({ ...before, autoPromote: false });
  });

  it.each<[string, Partial<LearningPipeline>, string]>([
    ['a gate without its metric', { gate: { direction: 'lower', holdout: 20 } }, 'learning_pipelines.gate.metric of'],
    ['features that are not a list', { features: { a: 'numeric' } }, 'learning_pipelines.features of'],
    ['an unknown learner', { learner: { type: 'svm' } }, 'learning_pipelines.learner.type of'],
    ['adaptive without a threshold', { adaptive: { metric: 'rmse' } }, 'learning_pipelines.adaptive.dropThreshold'],
  ])('names the row and column of %s', (_, change, message) => {
    expect(() => toPipeline(row(change))).toThrow(message);
  });
});
