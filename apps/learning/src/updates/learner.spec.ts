import type { LinearModelState } from '@modelyard/learners';
import type { BuiltinLearnerSpec } from '@modelyard/types';
import { createLearner, learnerMatches } from './learner.js';

const spec: BuiltinLearnerSpec = { type: 'logistic_regression', optimizer: 'ftrl', hyperparameters: { alpha: 0.2, l1: 0.001 } };

describe('learnerMatches (a checkpoint made by the pipeline’s current learner)', () => {
  const trained = createLearner(spec);
  for (let i = 0; i < 50; i++) trained.learnOne({ a: i % 7, b: 'x' }, i % 2);
  const state = trained.toJSON() as LinearModelState;

  it('matches a checkpoint of the same configuration, whatever it has learned', () => {
    expect(learnerMatches(spec, state)).toBe(true);
    expect(learnerMatches({ ...spec, hyperparameters: { alpha: 0.2, l1: 0.001, dim: 4096 } }, state)).toBe(true);
  });

  it('matches whatever the order of the stored keys (jsonb reorders them)', () => {
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    expect(learnerMatches(spec, { ...state, options: reversed(state.options), optimizer: reversed(state.optimizer) })).toBe(true);
  });

  it.each([
    ['another α', { ...spec, hyperparameters: { alpha: 0.3, l1: 0.001 } }],
    ['another λ1', { ...spec, hyperparameters: { alpha: 0.2, l1: 0.01 } }],
    ['another hash size', { ...spec, hyperparameters: { alpha: 0.2, l1: 0.001, dim: 1024 } }],
    ['standardised inputs', { ...spec, hyperparameters: { alpha: 0.2, l1: 0.001, standardize: true } }],
    ['another optimizer', { ...spec, optimizer: 'adagrad' as const }],
    ['another model type', { ...spec, type: 'linear_regression' as const }],
  ])('does not match %s (a tuned configuration applied since)', (_, changed) => {
    expect(learnerMatches(changed, state)).toBe(false);
  });
});
