import type { FeatureRecord } from '../hash.js';
import { Rng } from '../prng.js';
import { hyperplaneStream, seaStream } from '../streams.js';
import { HoeffdingTreeClassifier, type HoeffdingTreeOptions, type HoeffdingTreeState, type TreeFeatures } from './hoeffding-tree.js';

/** Through a JSON string, as a checkpoint or a model.json artifact is stored. */
const roundTrip = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

function prequential(tree: HoeffdingTreeClassifier, data: Iterable<{ x: TreeFeatures; y: number }>): number {
  let right = 0;
  let n = 0;
  for (const { x, y } of data) {
    if (tree.predictOne(x) === y) right++;
    tree.learnOne(x, y);
    n++;
  }
  return right / n;
}

describe('HoeffdingTreeClassifier', () => {
  it('finds a threshold rule on one of two attributes', () => {
    const rng = new Rng(1);
    const data = Array.from({ length: 4000 }, () => {
      const x = Float64Array.of(rng.uniform(), rng.uniform());
      return { x, y: x[1]! <= 0.3 ? 1 : 0 };
    });
    const tree = new HoeffdingTreeClassifier({ leafPrediction: 'mc' });
    prequential(tree, data);
    const root = (tree.toJSON().root as { split?: { attribute: number; threshold: { values: number[] } } }).split!;
    expect(root.attribute).toBe(1);
    // Candidates lie on a grid of (max − min)/11 ≈ 0.09; the chosen one is the grid point nearest 0.3.
    expect(Math.abs(root.threshold.values[0]! - 0.3)).toBeLessThan(0.05);
    expect(tree.predictOne(Float64Array.of(0.9, 0.1))).toBe(1);
    expect(tree.predictOne(Float64Array.of(0.1, 0.9))).toBe(0);
  });

  it('naive Bayes leaf: the Gaussian posterior as scipy computes it', () => {
    const tree = new HoeffdingTreeClassifier({ leafPrediction: 'nb', gracePeriod: 1000 });
    [1, 2.5, 2, 4, 3.5].forEach((v) => tree.learnOne(Float64Array.of(v), 0));
    [5, 6.5, 4.5, 7].forEach((v) => tree.learnOne(Float64Array.of(v), 1));
    // scipy: p0 = 5/9·norm.pdf(3, 2.6, √1.425), p1 = 4/9·norm.pdf(3, 5.75, √1.41667); p1/(p0+p1)
    expect(tree.predictProbaOne(Float64Array.of(3))).toBeCloseTo(0.055556870251899114, 12);
    // The majority class leaf ignores x: 4/9.
    const mc = HoeffdingTreeClassifier.fromJSON({
      ...roundTrip<HoeffdingTreeState>(tree.toJSON()),
      options: { ...tree.options, leafPrediction: 'mc' },
    });
    expect(mc.predictProbaOne(Float64Array.of(3))).toBeCloseTo(4 / 9, 15);
  });

  it('learns nominal and numeric record features, with missing values', () => {
    const rng = new Rng(5);
    const colors = ['red', 'green', 'blue', 'grey'];
    const data = Array.from({ length: 6000 }, () => {
      const color = colors[Math.floor(rng.uniform() * 4)]!;
      const size = rng.uniform();
      const x: FeatureRecord = { color: rng.uniform() < 0.05 ? null : color, size, flag: rng.uniform() < 0.5 };
      // y depends on the colour (nominal) and the size (numeric); the boolean is noise.
      return { x, y: (color === 'red' || color === 'blue') !== size > 0.7 ? 1 : 0 };
    });
    const tree = new HoeffdingTreeClassifier();
    const accuracy = prequential(tree, data);
    expect(accuracy).toBeGreaterThan(0.85);
    let right = 0;
    for (const { x, y } of data.slice(-1000)) if (tree.predictOne(x) === y) right++;
    // Missing colours (5%) cannot be classified better than chance on the colour part.
    expect(right / 1000).toBeGreaterThan(0.93);
    // An unseen colour or an unknown feature name is predicted, not refused.
    expect([0, 1]).toContain(tree.predictOne({ color: 'purple', size: 0.1, other: 'x' }));
    expect(() => tree.learnOne(Float64Array.of(1, 2), 0)).toThrow(/learned feature records/);
  });

  it('classifies more than two classes', () => {
    const rng = new Rng(9);
    const data = Array.from({ length: 6000 }, () => {
      const x = Float64Array.of(rng.uniform(), rng.uniform(), rng.uniform());
      return { x, y: x[0]! < 1 / 3 ? 0 : x[0]! < 2 / 3 ? 1 : 2 };
    });
    const tree = new HoeffdingTreeClassifier({ classes: 3 });
    expect(prequential(tree, data)).toBeGreaterThan(0.95);
    const p = tree.predictProba(Float64Array.of(0.9, 0.5, 0.5));
    expect(p.length).toBe(3);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
    expect(tree.predictOne(Float64Array.of(0.9, 0.5, 0.5))).toBe(2);
    expect(() => tree.predictProbaOne(Float64Array.of(0.9, 0.5, 0.5))).toThrow(/binary/);
  });

  it('keeps within maxLeaves and maxDepth', () => {
    const data = [...hyperplaneStream({ seed: 2, count: 30_000, features: 10, magChange: 0.001 })];
    const small = new HoeffdingTreeClassifier({ maxLeaves: 8 });
    const shallow = new HoeffdingTreeClassifier({ maxDepth: 2 });
    const free = new HoeffdingTreeClassifier();
    for (const { x, y } of data) [small, shallow, free].forEach((t) => t.learnOne(x, y));
    expect(small.leafCount).toBeLessThanOrEqual(8);
    expect(small.leafCount).toBeGreaterThanOrEqual(7); // it did grow up to the budget
    expect(shallow.depth).toBeLessThanOrEqual(2);
    expect(free.leafCount).toBeGreaterThan(8);
    // A bounded tree's model.json stays small: only active leaves keep observers.
    expect(JSON.stringify(small.toJSON()).length).toBeLessThan(JSON.stringify(free.toJSON()).length);
  });

  it('refuses bad labels and options with the name of the problem', () => {
    const tree = new HoeffdingTreeClassifier();
    expect(() => tree.learnOne(Float64Array.of(1), 2)).toThrow(/labels are integers in \[0, 1\]/);
    expect(() => tree.learnOne(Float64Array.of(1), 0.5)).toThrow(/labels/);
    const bad: [HoeffdingTreeOptions, RegExp][] = [
      [{ gracePeriod: 0 }, /gracePeriod/],
      [{ delta: 0 }, /delta/],
      [{ tau: -1 }, /tau/],
      [{ maxDepth: 65 }, /maxDepth/],
      [{ leafPrediction: 'knn' as 'mc' }, /leafPrediction/],
      [{ classes: 1 }, /classes/],
    ];
    for (const [options, message] of bad) expect(() => new HoeffdingTreeClassifier(options)).toThrow(message);
    tree.learnOne(Float64Array.of(1, 2), 0);
    expect(() => tree.learnOne(Float64Array.of(1), 0)).toThrow(/expected 2 features/);
  });
});

describe('save → load → continue equals never stopping', () => {
  const cases: [string, HoeffdingTreeOptions, () => { x: TreeFeatures; y: number }[]][] = [
    ['SEA, dense, naive Bayes adaptive', {}, () => [...seaStream({ seed: 3, count: 12_000, driftEvery: 4000 })]],
    [
      'hyperplane, dense, majority class, bounded',
      { leafPrediction: 'mc', maxLeaves: 6, gracePeriod: 100 },
      () => [...hyperplaneStream({ seed: 4, count: 12_000, magChange: 0.001 })],
    ],
    [
      'records with nominal values and missing fields',
      { leafPrediction: 'nb', gracePeriod: 50 },
      () => {
        const rng = new Rng(6);
        return Array.from({ length: 8000 }, () => {
          const a = rng.uniform();
          const c = ['x', 'y', 'z'][Math.floor(rng.uniform() * 3)]!;
          return { x: { a: rng.uniform() < 0.1 ? null : a, c, b: rng.normal() }, y: a > 0.4 !== (c === 'z') ? 1 : 0 };
        });
      },
    ],
  ];

  it.each(cases)('%s', (_name, options, make) => {
    const data = make();
    const cut = Math.floor(data.length * 0.55);
    const never = new HoeffdingTreeClassifier(options);
    const stopped = new HoeffdingTreeClassifier(options);
    for (const { x, y } of data.slice(0, cut)) [never, stopped].forEach((t) => t.learnOne(x, y));
    const restored = HoeffdingTreeClassifier.fromJSON(roundTrip(stopped.toJSON()));
    expect(restored.toJSON()).toEqual(stopped.toJSON());
    for (const { x, y } of data.slice(cut)) [never, restored].forEach((t) => t.learnOne(x, y));
    expect(restored.toJSON()).toEqual(never.toJSON());
    expect(restored.leafCount).toBeGreaterThan(1);
    for (const { x } of data.slice(0, 300)) expect(Array.from(restored.predictProba(x))).toEqual(Array.from(never.predictProba(x)));
  });

  it('rejects a state that is not a tree, or whose nodes do not fit its options', () => {
    expect(() => HoeffdingTreeClassifier.fromJSON({ format: 'modelyard.linear-model' } as unknown as HoeffdingTreeState)).toThrow(
      /not a modelyard Hoeffding tree/,
    );
    const tree = new HoeffdingTreeClassifier({ gracePeriod: 50 });
    for (const { x, y } of seaStream({ seed: 1, count: 6000 })) tree.learnOne(x, y);
    const state = roundTrip<HoeffdingTreeState>(tree.toJSON());
    expect(() => HoeffdingTreeClassifier.fromJSON({ ...state, leaves: state.leaves + 1 })).toThrow(/leaf count/);
    const split = (state.root as { split: { attribute: number } }).split;
    split.attribute = 99;
    expect(() => HoeffdingTreeClassifier.fromJSON(state)).toThrow(/split out of range/);
  });
});
