import type { LinearModelOptions } from './linear-model.js';
import { Accuracy, Mae } from './metrics.js';
import { LinearRegression, LogisticRegression } from './models.js';
import { progressiveValidation, ProgressiveValidator } from './progressive.js';
import { hyperplaneStream, logisticBayesAccuracy, logisticStream, seaStream, type SyntheticSample } from './streams.js';

describe('label delay semantics', () => {
  // LinearRegression, one feature x = 1, no intercept, SGD η = 0.1: learning (1, y) moves w by 0.1 (y − w).
  const data = [1, 2, 3, 4].map((y) => ({ x: Float64Array.of(1), y }));
  const make = (): LinearRegression => new LinearRegression({ dim: 1, optimizer: 'sgd', learningRate: 0.1, intercept: false });

  it('delay 0 is test-then-train', () => {
    // predictions 0, 0.1, 0.29, 0.561 (w after each label) → errors 1, 1.9, 2.71, 3.439 → MAE 9.049 / 4
    const r = progressiveValidation(make(), data, [new Mae()], { every: 2 });
    expect(r.metrics.mae).toBeCloseTo(2.26225, 14);
    expect(r.trace.map((t) => t.samples)).toEqual([2, 4]);
    expect(r.trace[0]!.metrics.mae).toBeCloseTo((1 + 1.9) / 2, 14);
  });

  it('delay 2 predicts each sample before the labels of the two before it are known', () => {
    // Sample 2 arrives while labels 0 and 1 are pending: predictions 0, 0, 0, then 0.1 for sample 3
    // (only label 0 learned); errors 1, 2, 3, 3.9 → MAE 9.9 / 4 = 2.475
    const model = make();
    const v = new ProgressiveValidator(model, [new Mae()], { delay: 2 });
    data.slice(0, 3).forEach((s) => v.process(s));
    expect(v.pending).toBe(2);
    expect(v.revealed).toBe(1);
    expect(model.weights[0]).toBeCloseTo(0.1, 15);
    v.process(data[3]!);
    v.flush();
    expect(v.pending).toBe(0);
    expect(v.values().mae).toBeCloseTo(2.475, 14);
    // Every label is learned in the end: w = 0.9049 after y = 1, 2, 3, 4 in order.
    expect(model.weights[0]).toBeCloseTo(0.9049, 14);
    expect(() => new ProgressiveValidator(model, [], { delay: -1 })).toThrow(/delay/);
  });
});

/**
 * Progressive accuracy of a learner on 100 000 samples against the Bayes-optimal accuracy of the
 * generator, both theoretical and as the oracle (`optimal`) scores on the same samples.
 */
function run(stream: Iterable<SyntheticSample>, options: LinearModelOptions, window: number | null, delay = 0) {
  const seen: SyntheticSample[] = [];
  const tap = function* (): Generator<SyntheticSample> {
    for (const s of stream) {
      seen.push(s);
      yield s;
    }
  };
  const metric = new Accuracy({ window });
  const model = new LogisticRegression(options);
  progressiveValidation(model, tap(), [metric], { delay });
  const scored = window === null ? seen : seen.slice(-window);
  const oracle = scored.filter((s) => s.y === s.optimal).length / scored.length;
  return { accuracy: metric.get(), oracle, samples: seen.length };
}

describe('progressive accuracy within 1 point of the Bayes-optimal accuracy after 100 000 samples', () => {
  it('logistic data, FTRL, whole stream (and with labels 1 000 samples late)', () => {
    const weights = [1.5, -2, 0.75, 0, 0.5, -1, 0, 0.25];
    // E[max(p, 1 − p)] = E[σ(|s|)], s ~ N(−0.5, ‖w‖²) = 0.8311358456590211 (scipy.integrate.quad)
    const bayes = logisticBayesAccuracy(weights, -0.5);
    expect(bayes).toBeCloseTo(0.8311358456590211, 9);
    for (const delay of [0, 1000]) {
      const r = run(
        logisticStream({ weights, intercept: -0.5, seed: 7, count: 100_000 }),
        { dim: 8, optimizer: 'ftrl', alpha: 0.5 },
        null,
        delay,
      );
      expect(r.samples).toBe(100_000);
      expect(Math.abs(r.accuracy - bayes)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(r.accuracy - r.oracle)).toBeLessThanOrEqual(0.01);
    }
  });

  // Drifting streams: the Bayes-optimal rule is the current concept, accuracy 1 − noise. Cumulative
  // accuracy would count the relearning after each drift, so the last 10 000 predictions are scored.
  // A tracking learner needs a step size that does not vanish: constant-rate SGD on standardised inputs.
  it('SEA concepts (noise 10%, abrupt drift every 25 000), last 10 000 predictions', () => {
    const r = run(seaStream({ seed: 3, count: 100_000 }), { dim: 3, optimizer: 'sgd', learningRate: 0.002, standardize: true }, 10_000);
    expect(Math.abs(r.oracle - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(r.accuracy - 0.9)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r.accuracy - r.oracle)).toBeLessThanOrEqual(0.01);
  });

  it('rotating hyperplane (10 features, 2 drifting by 1e-4 per sample, noise 5%), last 10 000 predictions', () => {
    const stream = hyperplaneStream({ seed: 5, count: 100_000, magChange: 1e-4 });
    const r = run(stream, { dim: 10, optimizer: 'sgd', learningRate: 0.001, standardize: true }, 10_000);
    expect(Math.abs(r.oracle - 0.95)).toBeLessThan(0.01);
    expect(Math.abs(r.accuracy - 0.95)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r.accuracy - r.oracle)).toBeLessThanOrEqual(0.01);
  });
});
