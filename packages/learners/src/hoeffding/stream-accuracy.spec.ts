/**
 * Prequential (test-then-train) accuracy of the Hoeffding tree with MOA's default settings (grace
 * period 200, δ 1e-7, τ 0.05, information gain, Gaussian numeric observers with 10 split points,
 * naive Bayes adaptive leaves; MOA's HoeffdingTree flow as listed by OpenML,
 * https://www.openml.org/api/v1/flow/80) on SEA concepts (θ = 8, 9, 7, 9.5, 10% label noise, abrupt
 * drift; Street & Kim 2001) and the rotating hyperplane with MOA's HyperplaneGenerator defaults and
 * `-t 0.001` (10 attributes, 2 drifting, magnitude of change 0.001, 10% chance of reversing
 * direction, 5% label noise; Hulten, Spencer & Domingos 2001), over 1 000 000 and 500 000 samples.
 *
 * What is checked: (1) accuracy stays below the Bayes-optimal 1 − noise of each stream and within a
 * stated distance of it; (2) this implementation's figure at a fixed seed, pinned (±0.5 points) so a
 * change in the learner's behaviour shows. The published Hoeffding tree accuracies for these streams
 * could not be quoted from a source available while this was written, so no published figure is
 * asserted here.
 */
import { hyperplaneStream, seaStream, type SyntheticSample } from '../streams.js';
import { HoeffdingTreeClassifier } from './hoeffding-tree.js';

function prequentialAccuracy(tree: HoeffdingTreeClassifier, stream: Iterable<SyntheticSample>): number {
  let right = 0;
  let n = 0;
  for (const { x, y } of stream) {
    if (tree.predictOne(x) === y) right++;
    tree.learnOne(x, y);
    n++;
  }
  return right / n;
}

describe('Hoeffding tree, prequential accuracy on SEA and rotating hyperplane streams (MOA defaults)', () => {
  it('SEA concepts, 1 000 000 samples, θ changing every 250 000', () => {
    const tree = new HoeffdingTreeClassifier();
    const accuracy = prequentialAccuracy(tree, seaStream({ seed: 1, count: 1_000_000, driftEvery: 250_000 }));
    // Bayes-optimal: 0.90 (10% of labels flipped). The tree does not adapt to drift (no ADWIN), so
    // it stays a few points below.
    expect(accuracy).toBeLessThan(0.9);
    expect(accuracy).toBeGreaterThan(0.9 - 0.07);
    // This implementation, seed 1: 0.847848
    expect(Math.abs(accuracy - 0.847848)).toBeLessThan(0.005);
    expect(tree.leafCount).toBeLessThanOrEqual(1000);
  });

  it('rotating hyperplane, 10 attributes, magnitude of change 0.001, 500 000 samples', () => {
    const tree = new HoeffdingTreeClassifier();
    const accuracy = prequentialAccuracy(tree, hyperplaneStream({ seed: 1, count: 500_000, features: 10, magChange: 0.001 }));
    // Bayes-optimal: 0.95 (5% label noise); an axis-parallel tree chasing a moving oblique plane
    // stays well below it.
    expect(accuracy).toBeLessThan(0.95);
    expect(accuracy).toBeGreaterThan(0.95 - 0.12);
    // This implementation, seed 1: 0.873452
    expect(Math.abs(accuracy - 0.873452)).toBeLessThan(0.005);
  });
});
