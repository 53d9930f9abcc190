import { LogisticRegression } from '@modelyard/learners';
import type { Gate } from '@modelyard/types';
import { externalGate } from './external-gate.js';

// A model answering P(y=1) = σ(intercept) for every input: with intercept > 0 it always predicts 1.
function constant(intercept: number) {
  const m = new LogisticRegression({ dim: 4, optimizer: 'sgd', learningRate: 1 });
  (m.weights as Float64Array)[4] = intercept;
  return m;
}
// 7 of 10 labels are 1: the always-1 model scores accuracy 0.7 on them.
const samples = [...Array(10)].map((_, i) => ({ x: { a: i }, y: i < 7 ? 1 : 0 }));
const gate: Gate = { metric: 'accuracy', direction: 'higher', tolerance: 0.01, holdout: 10 };

describe('external gate', () => {
  it("takes the candidate's value from the worker and passes with nothing in production", () => {
    expect(externalGate(gate, { metrics: { accuracy: 0.64 } }, { count: 10, samples }, null)).toMatchObject({
      passed: true,
      candidate: 0.64,
      production: null,
      holdout: 10,
    });
  });

  it('scores a loadable production model itself, ignoring what the worker says of it', () => {
    const production = { version: '2.0.0', model: constant(1) };
    const verdict = externalGate(
      gate,
      { metrics: { accuracy: 0.65 }, productionMetrics: { accuracy: 0.1 } },
      { count: 10, samples },
      production,
    );
    expect(verdict).toMatchObject({ passed: false, candidate: 0.65, production: 0.7, productionVersion: '2.0.0' });
  });

  it("uses the worker's production metric when production cannot be loaded here (or the samples are gone)", () => {
    const onnx = { version: '2.0.0', model: null };
    expect(
      externalGate(gate, { metrics: { accuracy: 0.695 }, productionMetrics: { accuracy: 0.7 } }, { count: 10, samples }, onnx),
    ).toMatchObject({
      passed: true,
      production: 0.7,
    });
    const gone = { version: '2.0.0', model: constant(1) };
    expect(
      externalGate(gate, { metrics: { accuracy: 0.5 }, productionMetrics: { accuracy: 0.7 } }, { count: 10, samples: null }, gone),
    ).toMatchObject({
      passed: false,
      production: 0.7,
    });
  });

  it('refuses when production can be scored neither here nor by the worker (a human decides)', () => {
    const verdict = externalGate(gate, { metrics: { accuracy: 0.99 } }, { count: 10, samples }, { version: '2.0.0', model: null });
    expect(verdict).toMatchObject({ passed: false, production: null, reason: expect.stringMatching(/no loadable model\.json/) });
  });

  it('follows the direction: log_loss lower is better', () => {
    const lower: Gate = { metric: 'log_loss', direction: 'lower', tolerance: 0, holdout: 10 };
    const onnx = { version: '1.0.0', model: null };
    expect(
      externalGate(lower, { metrics: { log_loss: 0.3 }, productionMetrics: { log_loss: 0.4 } }, { count: 10, samples }, onnx).passed,
    ).toBe(true);
    expect(
      externalGate(lower, { metrics: { log_loss: 0.5 }, productionMetrics: { log_loss: 0.4 } }, { count: 10, samples }, onnx).passed,
    ).toBe(false);
  });
});
