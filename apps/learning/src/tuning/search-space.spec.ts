import type { BuiltinLearnerSpec } from '@modelyard/types';
import { choose, configAt, configurations, scale, searchedParameters, unitPoints } from './search-space.js';

const base: BuiltinLearnerSpec = { type: 'logistic_regression', optimizer: 'ftrl', hyperparameters: { alpha: 0.2, beta: 1 } };

describe('search space', () => {
  it('maps u onto a log range evenly in decades and onto a linear range evenly', () => {
    expect(scale({ min: 0.001, max: 10, scale: 'log' }, 0.5)).toBeCloseTo(0.1, 12);
    expect(scale({ min: 0.001, max: 10, scale: 'log' }, 0)).toBeCloseTo(0.001, 15);
    expect(scale({ min: 0, max: 2, scale: 'linear' }, 0.25)).toBe(0.5);
  });
  it('gives each choice an equal share of [0, 1)', () => {
    expect([0, 0.33, 0.34, 0.99].map((u) => choose(['sgd', 'adagrad', 'ftrl'], u))).toEqual(['sgd', 'sgd', 'adagrad', 'ftrl']);
  });
  it('sets the searched parameters in a fixed order and keeps the rest', () => {
    const space = {
      l1: { min: 0.0001, max: 1, scale: 'log' as const },
      optimizer: ['sgd', 'ftrl'] as ('sgd' | 'ftrl')[],
      dim: [256, 1024],
    };
    expect(searchedParameters(space)).toEqual(['optimizer', 'l1', 'dim']);
    expect(configAt(space, base, [0.75, 0.5, 0.1])).toEqual({
      optimizer: 'ftrl',
      hyperparameters: { alpha: 0.2, beta: 1, l1: 0.01, dim: 256 },
    });
  });
  it('draws Sobol points after the origin (scipy rows 1, 2, 3), Halton likewise, random by seed', () => {
    expect(unitPoints('sobol', 2, 3, 1)).toEqual([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
    ]);
    expect(unitPoints('halton', 1, 2, 1)).toEqual([[0.5], [0.25]]);
    expect(unitPoints('random', 2, 4, 7)).toEqual(unitPoints('random', 2, 4, 7));
    expect(unitPoints('random', 2, 4, 7)).not.toEqual(unitPoints('random', 2, 4, 8));
  });
  it('makes distinct configurations', () => {
    const configs = configurations({ alpha: { min: 0.01, max: 1, scale: 'log' } }, base, { sampler: 'sobol', count: 8, seed: 1 });
    expect(new Set(configs.map((c) => c.hyperparameters.alpha)).size).toBe(8);
  });
});
