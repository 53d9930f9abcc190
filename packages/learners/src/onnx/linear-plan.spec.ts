import { LinearRegression, LogisticRegression } from '../models.js';
import { OnnxExportError, toOnnx } from './index.js';
import { numbers, runOnnx } from './onnxruntime.spec-helper.js';

const recordFed = (): LogisticRegression => {
  const model = new LogisticRegression({ dim: 16, standardize: true });
  model.learnOne({ age: 30, city: 'Oslo' }, 1);
  model.learnOne({ age: 50, city: 'Rome' }, 0);
  return model;
};

const denseFed = (): LinearRegression => {
  const model = new LinearRegression({ dim: 3, standardize: true });
  model.learnOne(Float64Array.of(1, 2, 3), 1);
  model.learnOne(Float64Array.of(2, 2, 5), 2);
  return model;
};

describe('toOnnx refuses what a dense float input cannot express', () => {
  it('categorical features, naming each one', () => {
    const features = [
      { name: 'age', kind: 'numeric' },
      { name: 'city', kind: 'categorical' },
    ] as const;
    expect(() => toOnnx(recordFed(), { input: { kind: 'records', features } })).toThrow(OnnxExportError);
    expect(() => toOnnx(recordFed(), { input: { kind: 'records', features } })).toThrow(
      'features city (categorical) cannot be float columns: only numeric and boolean features can; ' + 'serve the model.json',
    );
  });

  it('a layout that contradicts what the scaler learned', () => {
    expect(() => toOnnx(recordFed())).toThrow(/learned named features: it was fed records/);
    const features = [{ name: 'a', kind: 'numeric' }] as const;
    expect(() => toOnnx(denseFed(), { input: { kind: 'records', features } })).toThrow(/learned dense vectors/);
  });

  it('column lists that do not fit the model', () => {
    const dense = (names: string[]) => () => toOnnx(denseFed(), { input: { kind: 'dense', names } });
    expect(dense(['a', 'b'])).toThrow('2 column names for a model of 3 features');
    expect(dense(['a', 'b', 'a'])).toThrow('column "a" is listed twice');
    expect(() => toOnnx(recordFed(), { input: { kind: 'records', features: [] } })).toThrow(/at least one feature/);
  });

  it('a malformed model.json state (checked by restoring it first)', () => {
    const state = denseFed().toJSON();
    const bad = { ...state, weights: { length: 3, values: [1, 2, 3] } };
    expect(() => toOnnx(bad)).toThrow(RangeError);
    const foreign = { ...state, format: 'other' } as unknown as typeof state;
    expect(() => toOnnx(foreign)).toThrow(/not a modelyard linear model/);
  });
});

describe('toOnnx edge cases the learner defines', () => {
  it('an unfitted scaler transforms every column to 0: the score is the bias, P = 0.5, label 1', async () => {
    const model = new LogisticRegression({ dim: 2, standardize: true });
    const out = await runOnnx(toOnnx(model), [1, 2, -3, 4], 2);
    expect(numbers(out.probabilities)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(numbers(out.label)).toEqual([1, 1]);
    expect(model.predictOne(Float64Array.of(1, 2))).toBe(1);
  });
});
