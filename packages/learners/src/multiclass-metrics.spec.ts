import { flattenReport, MulticlassMetrics, type MulticlassMetricsState } from './multiclass-metrics.js';
import { multiclassProgressive } from './softmax-progressive.js';
import { SoftmaxRegression } from './softmax.js';
import type { ClassLabel } from './softmax.js';

function metricsOf(yTrue: ClassLabel[], yPred: ClassLabel[], window?: number): MulticlassMetrics {
  const m = new MulticlassMetrics({ window: window ?? null });
  yTrue.forEach((t, i) => m.update(t, yPred[i]!));
  return m;
}

describe('MulticlassMetrics against scikit-learn documented examples', () => {
  it('precision_recall_fscore_support docstring: cat/dog/pig macro, micro and weighted', () => {
    // sklearn.metrics.precision_recall_fscore_support docstring (scikit-learn 1.5):
    //   average='macro'    → (0.22, 0.33, 0.26, None)   exactly (2/9, 1/3, 4/15)
    //   average='micro'    → (0.33, 0.33, 0.33, None)   exactly 1/3
    //   average='weighted' → (0.22, 0.33, 0.26, None)
    //   average=None per class (cat, dog, pig): precision [0.66, 0, 0], recall [1, 0, 0], f1 [0.8, 0, 0], support [2, 2, 2]
    const r = metricsOf(['cat', 'dog', 'pig', 'cat', 'dog', 'pig'], ['cat', 'pig', 'dog', 'cat', 'cat', 'dog']).report();
    expect(r.macro.precision).toBeCloseTo(2 / 9, 15);
    expect(r.macro.recall).toBeCloseTo(1 / 3, 15);
    expect(r.macro.f1).toBeCloseTo(4 / 15, 15);
    expect([r.micro.precision, r.micro.recall, r.micro.f1].map((v) => v.toFixed(15))).toEqual(Array(3).fill((1 / 3).toFixed(15)));
    expect(r.weighted.precision).toBeCloseTo(2 / 9, 15);
    expect(r.weighted.f1).toBeCloseTo(4 / 15, 15);
    expect(r.classes.map((c) => c.label)).toEqual(['cat', 'dog', 'pig']);
    expect(r.classes.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([
      [2 / 3, 1, 0.8, 2],
      [0, 0, 0, 2],
      [0, 0, 0, 2],
    ]);
  });

  it('classification_report docstring: y_true [0, 1, 2, 2, 2], y_pred [0, 0, 2, 2, 1]', () => {
    // sklearn.metrics.classification_report docstring (scikit-learn 1.5), printed to 2 decimals:
    //   class 0: 0.50 1.00 0.67 1 | class 1: 0.00 0.00 0.00 1 | class 2: 1.00 0.67 0.80 3
    //   accuracy 0.60 | macro avg 0.50 0.56 0.49 | weighted avg 0.70 0.60 0.61
    const r = metricsOf([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]).report();
    const two = (v: number) => v.toFixed(2);
    expect(r.classes.map((c) => [c.label, two(c.precision), two(c.recall), two(c.f1), c.support])).toEqual([
      [0, '0.50', '1.00', '0.67', 1],
      [1, '0.00', '0.00', '0.00', 1],
      [2, '1.00', '0.67', '0.80', 3],
    ]);
    expect(two(r.accuracy)).toBe('0.60');
    expect([r.macro.precision, r.macro.recall, r.macro.f1].map(two)).toEqual(['0.50', '0.56', '0.49']);
    expect([r.weighted.precision, r.weighted.recall, r.weighted.f1].map(two)).toEqual(['0.70', '0.60', '0.61']);
    // Exact values behind the rounding: macro recall (1 + 0 + 2/3)/3, macro F1 (2/3 + 0 + 0.8)/3.
    expect(r.macro.recall).toBeCloseTo(5 / 9, 15);
    expect(r.macro.f1).toBeCloseTo(22 / 45, 15);
    expect(r.micro.f1).toBeCloseTo(0.6, 15);
  });

  it('log_loss docstring: 0.21616 for spam/ham', () => {
    // sklearn.metrics.log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    // → 0.21616… (docstring); columns are the sorted classes ham, spam, so p(true) = .9, .9, .8, .65.
    const m = new MulticlassMetrics();
    const pTrue = [0.9, 0.9, 0.8, 0.65];
    ['spam', 'ham', 'ham', 'spam'].forEach((y, i) => m.update(y, y, pTrue[i]));
    expect(m.report().logLoss).toBeCloseTo(0.21616187468057912, 14);
  });
});

describe('MulticlassMetrics as a stream', () => {
  it('a window covers the last updates only, and survives JSON', () => {
    const yTrue = ['a', 'b', 'a', 'c', 'b', 'a', 'c', 'c'];
    const yPred = ['a', 'a', 'a', 'c', 'b', 'b', 'c', 'a'];
    const windowed = metricsOf(yTrue, yPred, 3);
    const last3 = metricsOf(yTrue.slice(-3), yPred.slice(-3));
    expect(windowed.report()).toEqual(last3.report());
    const back = MulticlassMetrics.fromJSON(JSON.parse(JSON.stringify(windowed.toJSON())) as MulticlassMetricsState);
    back.update('b', 'b');
    windowed.update('b', 'b');
    expect(back.report()).toEqual(windowed.report());
    const cumulative = metricsOf(yTrue, yPred);
    const restored = MulticlassMetrics.fromJSON(JSON.parse(JSON.stringify(cumulative.toJSON())) as MulticlassMetricsState);
    expect(restored.report()).toEqual(cumulative.report());
    expect(restored.seen).toBe(8);
  });

  it('a null prediction is a miss; flattened keys name the classes', () => {
    const m = new MulticlassMetrics();
    m.update('x', null, 0);
    m.update('x', 'x', 0.5);
    const r = m.report();
    expect(r.accuracy).toBe(0.5);
    expect(r.classes).toEqual([{ label: 'x', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 }]);
    // −ln(1e-15) and −ln(0.5), averaged.
    expect(r.logLoss).toBeCloseTo((34.538776394910684 + Math.LN2) / 2, 12);
    const flat = flattenReport(r);
    expect(flat.get('recall[x]')).toBe(0.5);
    expect(flat.get('macro_f1')).toBeCloseTo(2 / 3, 15);
    expect(() => m.update('x', 'x', NaN)).toThrow(/NaN/);
    expect(() => m.update(0.5, 'x')).toThrow(/strings or integers/);
  });

  it('progressive validation predicts each sample before learning it', () => {
    const model = new SoftmaxRegression({ dim: 1, learningRate: 0.5 });
    const samples = [1, -1, 1, -1, 1, -1].map((v) => ({ x: Float64Array.of(v), y: v > 0 ? 'pos' : 'neg' }));
    const [m] = multiclassProgressive(model, samples);
    const r = m!.report();
    // The first sample meets a model with no class (a miss), the second a model that knows only 'pos'.
    expect(r.classes.find((c) => c.label === 'neg')!.support).toBe(3);
    expect(r.samples).toBe(6);
    expect(r.accuracy).toBe(4 / 6);
    expect(model.samplesSeen).toBe(6);
  });
});
