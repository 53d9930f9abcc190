import { LogisticRegression } from './models.js';
import { Rng } from './prng.js';
import { SoftmaxRegression, type SoftmaxOptions, type SoftmaxState } from './softmax.js';
import type { FeatureRecord } from './hash.js';

const roundTrip = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;
const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

/** Loss −ln P(y | x) of a model whose class rows are `rows` (dim 2 + intercept each). */
function lossAt(rows: number[][], x: Float64Array, y: string): number {
  const m = new SoftmaxRegression({ dim: 2, classes: ['a', 'b', 'c'] });
  const state = m.toJSON();
  state.weights = rows.map((r) => ({ length: 3, values: r }));
  const model = SoftmaxRegression.fromJSON(state);
  return -Math.log(model.predictProbaOne(x)[model.indexOfClass(y)]!);
}

describe('SoftmaxRegression gradient', () => {
  it('one SGD step moves the weights by −η × the finite-difference gradient of −ln P(y | x)', () => {
    // Hand-derivable check: ∂(−ln P(y|x))/∂w_c = (P(c|x) − [c = y]) x (Bishop 2006, eq. 4.109).
    const rows = [
      [0.3, -0.2, 0.1],
      [-0.5, 0.4, 0.0],
      [0.2, 0.1, -0.3],
    ];
    const x = Float64Array.of(1.5, -0.7);
    const eta = 1e-3;
    const m = new SoftmaxRegression({ dim: 2, classes: ['a', 'b', 'c'], learningRate: eta });
    const state = m.toJSON();
    state.weights = rows.map((r) => ({ length: 3, values: r }));
    const model = SoftmaxRegression.fromJSON(state);
    model.learnOne(x, 'b');
    const h = 1e-6;
    for (let c = 0; c < 3; c++) {
      const stepped = model.weightsOf(c);
      for (let j = 0; j < 3; j++) {
        const plus = rows.map((r) => [...r]);
        const minus = rows.map((r) => [...r]);
        plus[c]![j]! += h;
        minus[c]![j]! -= h;
        const numeric = (lossAt(plus, x, 'b') - lossAt(minus, x, 'b')) / (2 * h);
        expect((rows[c]![j]! - stepped[j]!) / eta).toBeCloseTo(numeric, 7);
      }
    }
  });
});

describe('SoftmaxRegression against closed forms and scipy', () => {
  it('with two classes and SGD at η equals logistic regression at 2η on w_1 − w_0', () => {
    // Both rows get opposite gradients ±(P(1|x) − y) x, so their difference follows binary logistic
    // regression's SGD with twice the step; P(1|x) = σ(s_1 − s_0).
    const rng = new Rng(5);
    const soft = new SoftmaxRegression({ dim: 3, classes: [0, 1], learningRate: 0.05 });
    const logistic = new LogisticRegression({ dim: 3, learningRate: 0.1 });
    for (let t = 0; t < 500; t++) {
      const x = Float64Array.of(rng.normal(), rng.normal(), rng.normal());
      const y = rng.bernoulli(1 / (1 + Math.exp(-(x[0]! - 2 * x[1]! + 0.5))));
      soft.learnOne(x, y);
      logistic.learnOne(x, y);
    }
    const w0 = soft.weightsOf(0);
    const w1 = soft.weightsOf(1);
    const lr = logistic.weights;
    for (let j = 0; j < 4; j++) expect(w1[j]! - w0[j]!).toBeCloseTo(lr[j]!, 12);
    const probe = Float64Array.of(0.3, -1.2, 2);
    expect(soft.predictProbaOne(probe)[1]).toBeCloseTo(logistic.predictProbaOne(probe), 12);
  });

  it("reaches scipy's L-BFGS optimum of the L2-penalised multinomial objective (SGD, decaying step)", () => {
    // Reference: scripts/softmax-reference.py (scipy 1.17.1 L-BFGS-B, gtol 1e-12) on this data with
    // l2 = 0.1, the objective of sklearn's LogisticRegression(multi_class='multinomial', C=1/(n·l2)).
    const X = [
      [0.2, 0.1],
      [1, 0.5],
      [0.5, 1],
      [2, 0.2],
      [2.5, 0.5],
      [3, -0.5],
      [0.1, 2],
      [-0.5, 2.5],
      [0.5, 3],
      [1.5, 1.5],
      [-1, -1],
      [1, 2],
    ].map((r) => Float64Array.from(r));
    const y = [0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 0, 2];
    const W = [
      [-0.5961607575641131, -0.7400068979487787],
      [1.0506598209764582, -0.25289409768546295],
      [-0.4544990634123449, 0.9929009956342421],
    ];
    const P = [
      [0.6515175080430238, 0.18931581267217742, 0.15916667928479883],
      [0.16387101652607455, 0.7183660220418514, 0.117762961432074],
      [0.40078234783551014, 0.08319883413229617, 0.5160188180321936],
    ];
    const model = new SoftmaxRegression({ dim: 2, classes: [0, 1, 2], l2: 0.1, learningRate: 0.5, schedule: 'invscaling', powerT: 0.5 });
    for (let epoch = 0; epoch < 40_000; epoch++) for (let i = 0; i < X.length; i++) model.learnOne(X[i]!, y[i]!);
    const worst = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    const T = [Float64Array.of(0.5, 0.5), Float64Array.of(2, 1), Float64Array.of(0, 1.5)];
    T.forEach((x, k) => expect(worst(model.predictProbaOne(x), P[k]!)).toBeLessThan(1e-3));
    for (let c = 0; c < 3; c++) expect(worst(model.weightsOf(c).subarray(0, 2), W[c]!)).toBeLessThan(1e-3);
  });
});

/** Three well-separated clusters around (3, 0), (−3, 0) and (0, 3); labels are strings. */
function clusters(seed: number, count: number): { x: Float64Array; y: string }[] {
  const rng = new Rng(seed);
  const centres: [string, number, number][] = [
    ['east', 3, 0],
    ['west', -3, 0],
    ['north', 0, 3],
  ];
  return Array.from({ length: count }, () => {
    const [y, cx, cy] = centres[Math.floor(rng.uniform() * 3)]!;
    return { x: Float64Array.of(cx + 0.5 * rng.normal(), cy + 0.5 * rng.normal()), y };
  });
}

describe('SoftmaxRegression learning', () => {
  it.each([
    ['sgd', { learningRate: 0.1 }],
    ['adagrad', { learningRate: 0.5 }],
    ['ftrl', { alpha: 0.5, l1: 0.01 }],
  ] as const)('%s classifies a separable 3-class problem without error', (optimizer, options) => {
    const model = new SoftmaxRegression({ dim: 2, optimizer, ...options });
    for (const s of clusters(1, 2000)) model.learnOne(s.x, s.y);
    const test = clusters(2, 500);
    const correct = test.filter((s) => model.predictOne(s.x) === s.y).length;
    expect(correct).toBe(500);
    // The class set grew in order of first appearance.
    expect(model.classes.sort()).toEqual(['east', 'north', 'west']);
    const p = model.predictProbaOne(Float64Array.of(3, 0));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(model.classes[p.indexOf(Math.max(...p))]).toBe('east');
  });

  it('grows the class set as labels appear; a fixed set refuses unknown labels; 1 and "1" differ', () => {
    const grown = new SoftmaxRegression({ dim: 1 });
    expect(grown.predictOne(Float64Array.of(1))).toBeNull();
    expect(grown.predictProbaOne(Float64Array.of(1))).toEqual(new Float64Array(0));
    grown.learnOne(Float64Array.of(1), 1);
    grown.learnOne(Float64Array.of(1), '1');
    expect(grown.classes).toEqual([1, '1']);
    const fixed = new SoftmaxRegression({ dim: 1, classes: ['a', 'b'] });
    expect(() => fixed.learnOne(Float64Array.of(1), 'c')).toThrow(/unknown class "c": the class set is fixed/);
    expect(() => fixed.learnOne(Float64Array.of(1), 1.5)).toThrow(/strings or integers/);
    expect(() => new SoftmaxRegression({ classes: ['a', 'a'] })).toThrow(/listed twice/);
    expect(() => new SoftmaxRegression({ optimizer: 'ftrl', alpha: -1 })).toThrow(/alpha must be a positive number/);
  });

  it('a class that appears late continues the SGD schedule of the others', () => {
    const model = new SoftmaxRegression({ dim: 1, schedule: 'invscaling', learningRate: 0.1 });
    for (let t = 0; t < 10; t++) model.learnOne(Float64Array.of(1), 'a');
    model.learnOne(Float64Array.of(1), 'b');
    const steps = model.toJSON().optimizers.map((o) => (o.name === 'sgd' ? o.steps : -1));
    expect(steps).toEqual([11, 11]);
  });
});

describe('SoftmaxRegression checkpoints', () => {
  const records = (seed: number, count: number): { x: FeatureRecord; y: string }[] =>
    clusters(seed, count).map(({ x, y }) => ({ x: { a: 10 * x[0]! + 100, b: x[1]!, colour: y === 'north' ? 'red' : 'blue' }, y }));

  it.each([
    ['sgd', { schedule: 'invscaling', standardize: true }],
    ['adagrad', { l2: 0.01 }],
    ['ftrl', { l1: 0.1, standardize: true }],
  ] as const)('%s on hashed records continues bit-identically after a JSON round trip', (optimizer, options) => {
    const opts: SoftmaxOptions = { dim: 64, optimizer, hashSeed: 7, ...options };
    const stream = records(3, 400);
    const straight = new SoftmaxRegression(opts);
    const resumed = new SoftmaxRegression(opts);
    stream.slice(0, 200).forEach((s) => [straight, resumed].forEach((m) => m.learnOne(s.x, s.y)));
    const restored = SoftmaxRegression.fromJSON(roundTrip<SoftmaxState>(resumed.toJSON()));
    for (const s of stream.slice(200)) {
      straight.learnOne(s.x, s.y);
      restored.learnOne(s.x, s.y);
    }
    expect(restored.classes).toEqual(straight.classes);
    for (let c = 0; c < straight.classes.length; c++) expect(bits(restored.weightsOf(c))).toBe(bits(straight.weightsOf(c)));
    expect(restored.samplesSeen).toBe(400);
    expect(JSON.stringify(restored.toJSON())).toBe(JSON.stringify(straight.toJSON()));
  });

  it('refuses states that do not fit together', () => {
    const model = new SoftmaxRegression({ dim: 2, classes: ['a', 'b'] });
    const state = roundTrip<SoftmaxState>(model.toJSON());
    expect(() => SoftmaxRegression.fromJSON({ ...state, format: 'x' } as unknown as SoftmaxState)).toThrow(/not a modelyard softmax/);
    expect(() => SoftmaxRegression.fromJSON({ ...state, weights: state.weights.slice(1) })).toThrow(/2 classes, 1 weight rows/);
    expect(() => SoftmaxRegression.fromJSON({ ...state, weights: [state.weights[0]!, { length: 2, values: [0, 0] }] })).toThrow(
      /expected 3 values/,
    );
  });
});
