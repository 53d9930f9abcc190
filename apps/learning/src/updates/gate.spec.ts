import { LogisticRegression, SoftmaxRegression } from '@modelyard/learners';
import type { Gate } from '@modelyard/types';
import { gateVerdict, runGate } from './gate.js';

// A model that always answers P(y=1) = σ(intercept): with intercept > 0 it predicts class 1.
function constant(intercept: number) {
  const m = new LogisticRegression({ dim: 4, optimizer: 'sgd', learningRate: 1 });
  (m.weights as Float64Array)[4] = intercept;
  return m;
}
const holdout = [...Array(10)].map((_, i) => ({ x: { a: i }, y: i < 7 ? 1 : 0 }));
const gate: Gate = { metric: 'accuracy', direction: 'higher', tolerance: 0, holdout: 10 };

describe('validation gate', () => {
  it('passes with nothing in production', () => {
    expect(runGate(gate, constant(1), holdout, null)).toMatchObject({
      passed: true,
      candidate: 0.7,
      production: null,
      reason: 'no production version to compare with',
    });
  });

  it('refuses a candidate worse than production by more than the tolerance, in the metric direction', () => {
    const production = { version: '1.0.0', model: constant(1) };
    expect(runGate(gate, constant(-1), holdout, production)).toMatchObject({
      passed: false,
      candidate: 0.3,
      production: 0.7,
      productionVersion: '1.0.0',
    });
    expect(runGate({ ...gate, tolerance: 0.4 }, constant(-1), holdout, production).passed).toBe(true);
    expect(runGate({ ...gate, tolerance: 0.39 }, constant(-1), holdout, production).passed).toBe(false);
    const logLoss: Gate = { ...gate, metric: 'log_loss', direction: 'lower' };
    expect(runGate(logLoss, constant(-1), holdout, production).passed).toBe(false);
    expect(runGate(logLoss, constant(1), holdout, { version: '1.0.0', model: constant(-1) }).passed).toBe(true);
  });

  it('refuses when production cannot be loaded or the metric is undefined', () => {
    expect(runGate(gate, constant(1), holdout, { version: '2.0.0', model: null })).toMatchObject({
      passed: false,
      reason: 'production version 2.0.0 has no loadable model.json to compare with',
    });
    const oneClass = holdout.map((s) => ({ ...s, y: 1 }));
    expect(runGate({ ...gate, metric: 'roc_auc' }, constant(1), oneClass, null)).toMatchObject({ passed: false, candidate: null });
  });
});

describe('gate verdict', () => {
  const higher: Gate = { metric: 'accuracy', direction: 'higher', tolerance: 0.25, holdout: 10 };
  const lower: Gate = { metric: 'rmse', direction: 'lower', tolerance: 0.25, holdout: 10 };
  // Values exact in binary, so "worse by exactly the tolerance" is exact.
  it.each<[string, Gate, number, { version: string; value: number | null } | null, boolean, number | null]>([
    ['no production: passes', higher, 0.5, null, true, null],
    ['better than production: passes', higher, 0.75, { version: '1.0.0', value: 0.5 }, true, 0.5],
    ['worse by the tolerance: passes', higher, 0.5, { version: '1.0.0', value: 0.75 }, true, 0.75],
    ['worse by more than the tolerance: refused', higher, 0.25, { version: '1.0.0', value: 0.75 }, false, 0.75],
    ['lower is better, smaller: passes', lower, 1, { version: '1.0.0', value: 1.5 }, true, 1.5],
    ['lower is better, larger by the tolerance: passes', lower, 1.25, { version: '1.0.0', value: 1 }, true, 1],
    ['lower is better, larger by more: refused', lower, 1.5, { version: '1.0.0', value: 1 }, false, 1],
    ['production not loadable: refused', higher, 0.75, { version: '2.0.0', value: null }, false, null],
    ['production metric undefined: passes', higher, 0.75, { version: '1.0.0', value: NaN }, true, null],
    ['candidate metric undefined: refused', higher, NaN, { version: '1.0.0', value: 0.5 }, false, null],
    ['candidate metric undefined, no production: refused', higher, NaN, null, false, null],
  ])('%s', (_, g, candidate, production, passed, productionValue) => {
    const verdict = gateVerdict(g, 10, candidate, production);
    expect(verdict).toMatchObject({ passed, production: productionValue, metric: g.metric, holdout: 10 });
    expect(verdict.productionVersion).toBe(production?.version ?? null);
    expect(verdict.candidate).toBe(Number.isFinite(candidate) ? candidate : null);
  });

  it('gates softmax candidates on macro F1, and refuses to compare them with a linear production model', () => {
    // Always predicts 'x' (its intercept): on labels x×7, y×3 the F1 of x is 2·(0.7·1)/(1.7), of y 0.
    const softmax = new SoftmaxRegression({ dim: 4, classes: ['x', 'y'] });
    const state = softmax.toJSON();
    state.weights = [
      { length: 5, values: [0, 0, 0, 0, 1] },
      { length: 5, values: [0, 0, 0, 0, 0] },
    ];
    const candidate = SoftmaxRegression.fromJSON(state);
    const labelled = holdout.map((s) => ({ x: s.x, y: s.y === 1 ? 'x' : 'y' }));
    const macro: Gate = { metric: 'macro_f1', direction: 'higher', tolerance: 0, holdout: 10 };
    const alone = runGate(macro, candidate, labelled, null);
    expect(alone.candidate).toBeCloseTo(1.4 / 1.7 / 2, 15);
    const versusLinear = runGate(macro, candidate, labelled, { version: '1.0.0', model: constant(1) });
    expect(versusLinear).toMatchObject({ passed: false, production: null, productionVersion: '1.0.0' });
  });
});
