import { TuneBody } from '@modelyard/types';
import { pipelineFixture } from '../test/fixtures.js';
import { learnerConflict, samplesConflict, tuneIssues } from './tuning-rules.js';

const body = (change: Record<string, unknown> = {}) =>
  TuneBody.parse({ space: { l1: { min: 0.001, max: 1 } }, budget: { trials: 9 }, metric: 'accuracy', direction: 'higher', ...change });

describe('tuning rules', () => {
  it('refuses an external learner and fewer than 100 samples, saying why', () => {
    expect(learnerConflict(pipelineFixture({ learner: { type: 'external', task: 'classification' } }))).toBe(
      "pipeline 'churn' has an external learner: its hyperparameters are its trainer's, not searched here",
    );
    expect(learnerConflict(pipelineFixture())).toBeNull();
    expect(samplesConflict(pipelineFixture(), 99)).toBe("pipeline 'churn' has 99 buffered samples; a tuning needs at least 100");
    expect(samplesConflict(pipelineFixture(), 100)).toBeNull();
  });

  it.each([
    ['logistic_regression', 'rmse', ['metric']],
    ['logistic_regression', 'roc_auc', []],
    ['linear_regression', 'accuracy', ['metric']],
    ['linear_regression', 'mae', []],
  ] as const)('a %s tuned on %s: %j', (type, metric, fields) => {
    const p = pipelineFixture({ learner: { type, optimizer: 'ftrl', hyperparameters: {} } });
    expect(tuneIssues(p, body({ metric }), 1000).map((i) => i.field)).toEqual(fields);
  });

  it('names budget.minSamples when it is not below the samples there are', () => {
    expect(tuneIssues(pipelineFixture(), body({ budget: { trials: 9, minSamples: 500 } }), 500).map((i) => i.field)).toEqual([
      'budget.minSamples',
    ]);
    expect(tuneIssues(pipelineFixture(), body({ budget: { trials: 9, minSamples: 499 } }), 500)).toEqual([]);
  });
});
