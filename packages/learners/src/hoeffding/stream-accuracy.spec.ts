/**
 * Prequential (test-then-train) accuracy of the Hoeffding tree with MOA's default settings (grace
 * period 200, δ 1e-7, τ 0.05, information gain, Gaussian numeric observers with 10 split points,
 * naive Bayes adaptive leaves; MOA's HoeffdingTree flow as listed by OpenML,
 * https://www.openml.org/api/v1/flow/80) on SEA concepts (θ = 8, 9, 7, 9.5, 10% label noise, abrupt
 * drift; Street & Kim 2001) and the rotating hyperplane with MOA's HyperplaneGenerator defaults and
 * `-t 0.001` (10 attributes, 2 drifting, magnitude of change 0.001, 10% chance of reversing
 * direction, 5% label noise; Hulten, Spencer & Domingos 2001), over 1 000 000 and 500 000 samples;
 * and, for three classes, the band stream of streams.ts over 200 000 samples.
 *
 * What is checked:
 * (1) accuracy stays below the Bayes-optimal 1 − noise of each stream and within a stated distance;
 * (2) against MOA's HoeffdingTree (the reference implementation; Waikato/moa at commit 76107cf,
 *     version 2024.07.2-SNAPSHOT, `new HoeffdingTree()` with its default options) on the same
 *     samples: scripts/export-stream-arff.mjs writes our streams (these seeds) as ARFF, and MOA's
 *     tree learned them through ArffFileStream, test-then-train (correctlyClassifies, then
 *     trainOnInstance, one sample at a time), counting every sample. Same data, so the two must agree
 *     closely: within 0.5 points;
 * (3) against MOA's tree on MOA's own generators with the same settings (a stream the same in
 *     distribution, not sample for sample): within a tolerance set from the spread over seeds;
 * (4) this implementation's figure at a fixed seed, pinned (±0.5 points) so a change in behaviour shows.
 *
 * Published figures. For SEA, published-accuracy.spec.ts checks this tree against the accuracy that
 * CapyMOA's documentation prints for a HoeffdingTree on SEA concepts with two abrupt drifts (100 000
 * instances, semi-supervised), on that very stream rebuilt bit for bit (moa-streams.ts). For the settings
 * of this file no published figure could be quoted: the papers that report one (e.g. Bifet et al., KDD
 * 2009, "New ensemble methods for evolving data streams", SEA and HYP tables) were not readable in full
 * where this was written. River publishes none either: its benchmark pages (riverml.xyz, Benchmarks) run
 * the Hoeffding tree on Bananas, Elec2, Phishing, SMTP, ImageSegments, Insects and Keystroke only; its
 * HoeffdingTreeClassifier example runs on Agrawal; its one SEA example (a drifting SEA stream, 1 000
 * samples) is for the Hoeffding adaptive tree, a different learner; and scikit-multiflow's SEAGenerator
 * example prints no figure. The KDD 2024 tutorial notebook (adaptive-machine-learning/
 * kdd2024_ml_for_streams, 04_KDD2024_advanced.ipynb) prints 86.474 for the same drifting SEA stream with
 * 20% of labels, but MOA's own HoeffdingTree on that stream as the notebook's code builds it gives 84.755
 * (this tree 84.765): the printed output came from another state of the libraries and is not used.
 * The rotating hyperplane now has a published figure too, checked in published-accuracy.spec.ts, but not
 * for a plain tree: 88.9739% over 1 000 000 instances of MOA's HyperplaneGenerator -t 0.001, test-then-
 * train, for a Hoeffding tree inside MOA's drift wrapper (SingleClassifierDrift with ADWINChangeDetector,
 * which restarts the tree when ADWIN flags a change in its error rate), printed in 2017 in the GitHub
 * repository Yifan127/data_stream_mining (chapter1/stream-generator.md). MOA release 16.04 reproduces it
 * exactly; today's MOA gives 89.8928% because its ADWINChangeDetector has, since 2017, counted a cut as a
 * change only when the error rose. That spec runs this tree inside ports of that wrapper and detector
 * (drift/) on MOA's stream rebuilt bit for bit (moa-streams.ts), against both versions. For the plain
 * tree on a rotating hyperplane, as run here, no printed accuracy was found (CapyMOA's notebooks in every
 * version of its history, scikit-multiflow's repository, River's documentation and docstrings): the MOA
 * figures below stand in for published ones.
 */
import { bandStream, hyperplaneStream, seaStream, type SyntheticSample } from '../streams.js';
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
    // MOA's HoeffdingTree on these very samples (see the header): 848 087 / 1 000 000 = 0.848087.
    expect(Math.abs(accuracy - 0.848087)).toBeLessThan(0.005);
    // MOA's HoeffdingTree on MOA's SEA stream, ConceptDriftStream of SEAGenerator -f 1, 2, 3, 4 (10%
    // noise), -p 250000 -w 1 each, instance seeds 1…5: 0.850113, 0.849854, 0.850489, 0.849873,
    // 0.850304, mean 0.850127, standard deviation 0.0003 over seeds; ours over seeds 1…5: 0.8478 to
    // 0.8503, mean 0.848704 (0.14 points lower; on identical samples the two trees differ by 0.02).
    expect(Math.abs(accuracy - 0.850127)).toBeLessThan(0.01);
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
    // MOA's HoeffdingTree on these very samples (see the header): 436 626 / 500 000 = 0.873252.
    expect(Math.abs(accuracy - 0.873252)).toBeLessThan(0.005);
    // MOA's HoeffdingTree on MOA's HyperplaneGenerator -t 0.001, instance seeds 1…5: 0.861906, 0.885422,
    // 0.858326, 0.891958, 0.901476, mean 0.879818, standard deviation 0.019 over seeds (the walk of
    // the drifting weights differs from seed to seed); ours over seeds 1…5: 0.826 to 0.885, mean
    // 0.867. A single seed is compared with the mean at 2 standard deviations.
    expect(Math.abs(accuracy - 0.879818)).toBeLessThan(0.04);
    // This implementation, seed 1: 0.873452
    expect(Math.abs(accuracy - 0.873452)).toBeLessThan(0.005);
  });

  it('three classes (band stream: the band of x₁ + x₂, 10% of labels changed), 200 000 samples', () => {
    const tree = new HoeffdingTreeClassifier({ classes: 3 });
    const accuracy = prequentialAccuracy(tree, bandStream({ seed: 1, count: 200_000 }));
    // Bayes-optimal: 0.90; an axis-parallel tree approximates the two oblique bounds by steps.
    expect(accuracy).toBeLessThan(0.9);
    expect(accuracy).toBeGreaterThan(0.9 - 0.05);
    // MOA's HoeffdingTree on these very samples (bands.arff of scripts/export-stream-arff.mjs, as in
    // the header): 173 881 / 200 000 = 0.869405. Same data: information gain over three classes and
    // the per-class Gaussian estimators agree with MOA's.
    expect(Math.abs(accuracy - 0.869405)).toBeLessThan(0.005);
    // This implementation, seed 1: 0.86963 (38 leaves, depth 7)
    expect(Math.abs(accuracy - 0.86963)).toBeLessThan(0.005);
  });
});
