import { HoeffdingTreeClassifier, LabelledHoeffdingTree, type LinearModelState } from '@modelyard/learners';
import type { BuiltinLearnerSpec, HoeffdingTreeLearnerSpec } from '@modelyard/types';
import { createLearner, evaluate, isMulticlassModel, learnerMatches, restoreLearner, type PipelineModelState } from './learner.js';

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

describe('a Hoeffding tree learner with classes', () => {
  const tree: HoeffdingTreeLearnerSpec = { type: 'hoeffding_tree', gracePeriod: 50, classes: ['low', 'mid', 'high'] };
  const model = createLearner(tree);
  const samples = Array.from({ length: 300 }, (_, i) => ({ x: { a: i % 30 }, y: ['low', 'mid', 'high'][Math.floor((i % 30) / 10)]! }));

  it('is a tree over those labels, restored as one from its state, and scored with the multiclass metrics', () => {
    expect(model).toBeInstanceOf(LabelledHoeffdingTree);
    expect(isMulticlassModel(model)).toBe(true);
    for (const s of samples) (model as LabelledHoeffdingTree).learnOne(s.x, s.y);
    const state = JSON.parse(JSON.stringify(model.toJSON())) as PipelineModelState;
    const restored = restoreLearner(state);
    expect(restored).toBeInstanceOf(LabelledHoeffdingTree);
    expect((restored as LabelledHoeffdingTree).classes).toEqual(['low', 'mid', 'high']);
    expect(evaluate(restored, 'accuracy', samples)).toBe(1);
    expect(evaluate(restored, 'macro_f1', samples)).toBe(1);
    expect(evaluate(restored, 'roc_auc', samples)).toBeNaN();
  });

  it('matches its checkpoint only with the same classes; a 0/1 tree is another learner', () => {
    const state = model.toJSON() as PipelineModelState;
    expect(learnerMatches(tree, state)).toBe(true);
    expect(learnerMatches({ ...tree, classes: ['low', 'high', 'mid'] }, state)).toBe(false);
    expect(learnerMatches({ type: 'hoeffding_tree', gracePeriod: 50, classes: ['a', 'b'] }, state)).toBe(false);
    const binary = createLearner({ type: 'hoeffding_tree', gracePeriod: 50 });
    expect(binary).toBeInstanceOf(HoeffdingTreeClassifier);
    expect(learnerMatches({ ...tree, classes: ['a', 'b'] }, binary.toJSON())).toBe(false);
    expect(learnerMatches({ type: 'hoeffding_tree', gracePeriod: 50 }, binary.toJSON())).toBe(true);
  });
});
