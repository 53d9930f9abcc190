import {
  cbpe,
  classesOf,
  classificationMetrics,
  isotonicCalibrator,
  logLoss,
  missingShareTest,
  positiveClassOf,
  regressionMetrics,
  rocAuc,
} from '../src/index.js';
import { expectRelClose } from './helpers.js';
import {
  CBPE_CASES,
  CLASSIFICATION_CASES,
  ISOTONIC_CASES,
  MISSING_CASES,
  PROBABILITY_CASES,
  REGRESSION_CASES,
} from './reference/quality.ref.js';

const RTOL = 1e-9;
const label = (c: { note: string; call: string }): string => `${c.note} [${c.call}]`;

describe('missingShareTest against statsmodels proportions_ztest', () => {
  it.each(MISSING_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = missingShareTest(c.currentMissing, c.currentN, c.referenceMissing, c.referenceN);
    expectRelClose(r.z, c.z, RTOL, 'z');
    expectRelClose(r.pValue, c.pValue, RTOL, 'p');
    expect(r.currentShare).toBe(c.currentMissing / c.currentN);
    expect(r.referenceShare).toBe(c.referenceMissing / c.referenceN);
  });

  it('answers z = 0, p = 1 where statsmodels answers NaN (no missing value on either side)', () => {
    expect(missingShareTest(0, 100, 0, 300)).toEqual({ currentShare: 0, referenceShare: 0, z: 0, pValue: 1 });
  });
});

describe('classificationMetrics against sklearn.metrics', () => {
  it.each(CLASSIFICATION_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = classificationMetrics(c.labels, c.predictions, c.positive);
    expectRelClose(r.accuracy, c.accuracy, RTOL, 'accuracy');
    expectRelClose(r.precision, c.precision, RTOL, 'precision');
    expectRelClose(r.recall, c.recall, RTOL, 'recall');
    expectRelClose(r.f1, c.f1, RTOL, 'f1');
  });

  it('takes the greater of two classes as positive, and none of three unless declared', () => {
    expect(positiveClassOf(classesOf(['no', 'yes'], ['no']))).toBe('yes');
    expect(positiveClassOf(['0', '1'])).toBe('1');
    expect(positiveClassOf(['a', 'b', 'c'])).toBeNull();
    expect(positiveClassOf(['a', 'b', 'c'], 'b')).toBe('b');
    // Code-point order, as numpy sorts: "Z" < "a".
    expect(classesOf(['a'], ['Z'])).toEqual(['Z', 'a']);
  });
});

describe('rocAuc and logLoss against sklearn.metrics', () => {
  it.each(PROBABILITY_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const truth = Uint8Array.from(c.truth);
    const score = Float64Array.from(c.score);
    expectRelClose(rocAuc(truth, score)!, c.rocAuc, RTOL, 'roc auc');
    expectRelClose(logLoss(truth, score), c.logLoss, RTOL, 'log loss');
  });

  it('has no ROC AUC with one class only', () => {
    expect(rocAuc(Uint8Array.from([1, 1]), Float64Array.from([0.2, 0.9]))).toBeNull();
  });
});

describe('regressionMetrics against sklearn.metrics', () => {
  it.each(REGRESSION_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = regressionMetrics(Float64Array.from(c.labels), Float64Array.from(c.predictions));
    expectRelClose(r.mae, c.mae, RTOL, 'mae');
    expectRelClose(r.rmse, c.rmse, RTOL, 'rmse');
  });
});

describe('isotonicCalibrator against sklearn IsotonicRegression', () => {
  it.each(ISOTONIC_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const calibrate = isotonicCalibrator(Float64Array.from(c.score), Uint8Array.from(c.truth));
    c.query.forEach((q, k) => expect(Math.abs(calibrate(q) - c.predicted[k]!)).toBeLessThan(1e-12));
  });
});

describe('cbpe against its numpy definition (cbpe_ref in gen_quality.py)', () => {
  it.each(CBPE_CASES.map((c) => [label(c), c] as const))('%s', (_l, c) => {
    const r = cbpe(Uint8Array.from(c.predictedPositive), Float64Array.from(c.p), Float64Array.from(c.score));
    expectRelClose(r.accuracy, c.accuracy, RTOL, 'accuracy');
    expectRelClose(r.accuracyInterval[0], c.low, RTOL, 'low');
    expectRelClose(r.accuracyInterval[1], c.high, RTOL, 'high');
    expectRelClose(r.precision!, c.precision, RTOL, 'precision');
    expectRelClose(r.recall!, c.recall, RTOL, 'recall');
    expectRelClose(r.f1!, c.f1, RTOL, 'f1');
    expectRelClose(r.rocAuc!, c.rocAuc, RTOL, 'roc auc');
  });
});
