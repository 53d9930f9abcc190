import { decodeFloats, decodeNumber, encodeFloats, encodeNumber } from './float-codec.js';
import type { Features, LinearModel, LinearModelOptions } from './linear-model.js';
import { Accuracy, LogLoss, RocAuc } from './metrics.js';
import { LinearRegression, LogisticRegression, modelFromJSON } from './models.js';
import { Rng } from './prng.js';
import { ProgressiveValidator, type Sample } from './progressive.js';
import { logisticStream } from './streams.js';

/** Through a JSON string, as a checkpoint would be stored. */
const roundTrip = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** Bit patterns of the weights, so that −0 ≠ 0 and NaN = NaN as stored. */
const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('float codec', () => {
  it('keeps every double bit-exact through JSON, including −0, ±Infinity and NaN', () => {
    const rng = new Rng(21);
    const specials = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 0.1 + 0.2, 1 / 3, 2 ** -1074 * 3];
    // Random bit patterns: every exponent and mantissa, decoded as doubles.
    const words = new Uint32Array(2000);
    for (let i = 0; i < words.length; i++) words[i] = rng.nextUint32();
    const random = Array.from(new Float64Array(words.buffer)).filter((x) => !Number.isNaN(x));
    const a = Float64Array.from([...specials, ...random]);
    const back = decodeFloats(roundTrip(encodeFloats(a)));
    expect(bits(back)).toBe(bits(a));
    expect(specials.map((x) => JSON.stringify(encodeNumber(x)))).toEqual([
      '0',
      '"-0"',
      '"NaN"',
      '"Infinity"',
      '"-Infinity"',
      '5e-324',
      '-5e-324',
      '1.7976931348623157e+308',
      '0.30000000000000004',
      '0.3333333333333333',
      '1.5e-323',
    ]);
    expect(Object.is(decodeNumber('-0'), -0)).toBe(true);
    expect(() => decodeNumber('nope' as 'NaN')).toThrow(/not an encoded number/);
  });

  it('stores mostly-zero arrays sparsely and rejects inconsistent input', () => {
    const a = new Float64Array(1000);
    a[3] = 1.25;
    a[999] = -0;
    const e = encodeFloats(a);
    expect(e).toEqual({ length: 1000, indices: [3, 999], values: [1.25, '-0'] });
    expect(bits(decodeFloats(e))).toBe(bits(a));
    expect(() => decodeFloats(e, 10)).toThrow(/expected 10/);
    expect(() => decodeFloats({ length: 2, indices: [5], values: [1] })).toThrow(/out of range/);
  });
});

type Make = () => LinearModel;
const DIM = 6;
const W = [1, -2, 0.5, 0, 0.25, -0.75];

function samples(seed: number, count: number, records: boolean): Sample[] {
  return [...logisticStream({ weights: W, intercept: 0.3, seed, count })].map(({ x, y }) => ({
    // Records mix numbers, a categorical value and a boolean, hashed into a small space.
    x: records ? { a: x[0], b: x[1], c: x[2], d: x[3], e: x[4], f: x[5], cat: x[0]! > 0 ? 'pos' : 'neg', flag: x[1]! > 1 } : x,
    y,
  }));
}

function expectSameModel(a: LinearModel, b: LinearModel, probes: Features[]): void {
  expect(bits(b.weights)).toBe(bits(a.weights));
  expect(b.toJSON()).toEqual(a.toJSON());
  for (const x of probes) expect(Object.is(b.score(x), a.score(x))).toBe(true);
}

describe('save → load → continue equals never stopping', () => {
  const cases: [string, LinearModelOptions, boolean][] = [
    ['ftrl, dense, standardized', { optimizer: 'ftrl', alpha: 0.2, beta: 1, l1: 0.5, l2: 0.1, standardize: true }, false],
    ['adagrad, dense', { optimizer: 'adagrad', learningRate: 0.1, l2: 0.01 }, false],
    ['sgd invscaling, dense, L1', { optimizer: 'sgd', schedule: 'invscaling', learningRate: 0.3, powerT: 0.25, l1: 0.001 }, false],
    ['ftrl, hashed records, standardized', { optimizer: 'ftrl', alpha: 0.2, l1: 0.5, standardize: true }, true],
    ['sgd constant, hashed records', { optimizer: 'sgd', learningRate: 0.05 }, true],
  ];

  it.each(cases)('logistic regression: %s', (_name, options, records) => {
    const dim = records ? 1 << 12 : DIM;
    const make: Make = () => new LogisticRegression({ dim, hashSeed: 17, ...options });
    const data = samples(4, 3000, records);
    const never = make();
    const stopped = make();
    data.slice(0, 1700).forEach((s) => {
      never.learnOne(s.x, s.y);
      stopped.learnOne(s.x, s.y);
    });
    const restored = LogisticRegression.fromJSON(roundTrip(stopped.toJSON()));
    expectSameModel(
      stopped,
      restored,
      data.slice(0, 5).map((s) => s.x),
    );
    data.slice(1700).forEach((s) => {
      never.learnOne(s.x, s.y);
      restored.learnOne(s.x, s.y);
    });
    // Mean-gradient steps after the restore as well.
    for (const m of [never, restored])
      m.learnMany(
        data.slice(0, 64).map((s) => s.x),
        data.slice(0, 64).map((s) => s.y),
        { mode: 'mean' },
      );
    expectSameModel(
      never,
      restored,
      data.slice(0, 50).map((s) => s.x),
    );
    expect(restored.samplesSeen).toBe(3064);
  });

  it('linear regression through modelFromJSON', () => {
    const rng = new Rng(8);
    const data = Array.from({ length: 2000 }, () => {
      const x = Float64Array.from({ length: 3 }, () => rng.normal());
      return { x, y: 2 * x[0]! - x[1]! + 0.1 * rng.normal() };
    });
    const never = new LinearRegression({ dim: 3, optimizer: 'adagrad', standardize: true });
    const stopped = new LinearRegression({ dim: 3, optimizer: 'adagrad', standardize: true });
    data.slice(0, 900).forEach(({ x, y }) => [never, stopped].forEach((m) => m.learnOne(x, y)));
    const restored = modelFromJSON(roundTrip(stopped.toJSON()));
    expect(restored).toBeInstanceOf(LinearRegression);
    data.slice(900).forEach(({ x, y }) => [never, restored].forEach((m) => m.learnOne(x, y)));
    expectSameModel(
      never,
      restored,
      data.slice(0, 20).map((s) => s.x),
    );
  });

  it('refuses a state of the wrong kind or format', () => {
    const state = new LinearRegression({ dim: 2 }).toJSON();
    expect(() => LogisticRegression.fromJSON(state)).toThrow(/linear_regression/);
    expect(() => modelFromJSON({ ...state, version: 2 as 1 })).toThrow(/version 1/);
  });

  it('progressive validation with a label delay resumes mid-stream with identical metrics', () => {
    const data = samples(6, 4000, false);
    const options = { dim: DIM, optimizer: 'ftrl', alpha: 0.2, standardize: true } as const;
    const metrics = () => [new Accuracy(), new LogLoss({ window: 500 }), new RocAuc({ window: 1000 })];
    const never = new ProgressiveValidator(new LogisticRegression(options), metrics(), { delay: 25 });
    data.forEach((s) => never.process(s));
    never.flush();

    const first = new ProgressiveValidator(new LogisticRegression(options), metrics(), { delay: 25 });
    data.slice(0, 2345).forEach((s) => first.process(s));
    expect(first.pending).toBe(25);
    const checkpoint = roundTrip<{ model: ReturnType<LinearModel['toJSON']>; validation: ReturnType<ProgressiveValidator['toJSON']> }>({
      model: first.model.toJSON(),
      validation: first.toJSON(),
    });
    const resumed = ProgressiveValidator.fromJSON(checkpoint.validation, modelFromJSON(checkpoint.model));
    data.slice(2345).forEach((s) => resumed.process(s));
    resumed.flush();

    expect(resumed.revealed).toBe(4000);
    const [a, b] = [never.values(), resumed.values()];
    expect(Object.keys(b)).toEqual(['accuracy', 'log_loss@500', 'roc_auc@1000']);
    for (const key of Object.keys(a)) expect(Object.is(b[key], a[key])).toBe(true);
    expect(bits(resumed.model.weights)).toBe(bits(never.model.weights));
  });
});
