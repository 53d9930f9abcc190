/**
 * The Hoeffding tree against an accuracy PUBLISHED for a stream stated well enough to rebuild sample for
 * sample.
 *
 * Source: CapyMOA documentation, notebook "Semi-supervised Learning" (notebooks/SSL_example.ipynb,
 * section "2. Delay example"; rendered on capymoa.org), adaptive-machine-learning/CapyMOA at commit
 * 095caba (2026-08-20). The immediate figure is the one the notebook has printed since commit dfcd0c6
 * (2024-08-04), except between two commits of 2026-08-05 (8064a7b printed 64.386, which 11e6fcf, "refresh
 * outputs after the predict fix", put back to 84.517). Its printed figures, for a plain HoeffdingTree
 * with CapyMOA's defaults:
 *   "Accuracy immediate: 84.517"                  (label_probability=0.1)
 *   "Accuracy delayed by 1000 instances: 83.368"  (label_probability=0.01, delay_length=1000;
 *                                                   83.366 in the notebook's outputs of 2024-08 to 2025-12)
 * Settings stated there: DriftStream([SEA(function=1), AbruptDrift(position=25000), SEA(function=2),
 * AbruptDrift(position=50000), SEA(function=3)]) (MOA's SEAGenerator, instance seed 1, 10% label noise),
 * prequential_ssl_evaluation(max_instances=100000, random_seed=1 by default): every instance is tested
 * (cumulative accuracy over all 100 000), and each is labelled with the given probability, drawn from a
 * Commons Math MersenneTwister(1); a labelled instance trains the tree before the next test, or
 * delay_length instances later. CapyMOA's HoeffdingTree defaults are MOA's except confidence 1e-3 and
 * disable_prepruning (irrelevant here: with three numeric attributes the no-split candidate never
 * decides), so the tree below runs with δ = 1e-3 and otherwise its defaults.
 *
 * The stream is rebuilt bit for bit by moa-streams.ts (java.util.Random in MOA's SEAGenerator, the
 * ConceptDriftStream switch points, the labelling draws; checked in moa-streams.spec.ts). That this is
 * the stream the notebook measured was checked against the reference implementation: MOA's own
 * HoeffdingTree (Waikato/moa at commit 76107cf, "-c 0.001 -p -z" as CapyMOA passes it) run on MOA's
 * ConceptDriftStream built from the same command line, labelled by the same MersenneTwister(1) draws,
 * classified 84 517 of 100 000 instances correctly (immediate, 10% labels) and 83 366 (1% labels, delay
 * 1000): the published figures exactly.
 *
 * Tolerance, 0.25 points: the stream, the labels and the evaluation are the published ones, so only the
 * tree can differ. On these samples this tree and MOA's differ by 0.06 points (immediate) and 0.03
 * (delayed), and by 0.01 on the same stream with 20% labels (ours 84.765, MOA 84.755); 0.25 is four times
 * the largest gap, and smaller than the shift of a real change of behaviour (δ = 1e-7 instead of 1e-3:
 * +0.55 points; a grace period of 100 instead of 200: +0.43; 5 candidate thresholds instead of 10: −0.15
 * with the immediate run's 10 000 labels; majority-class leaves: −5.9).
 */
import { MersenneTwister, moaHyperplaneStream, moaSeaDriftStream } from '../moa-streams.js';
import { AdwinChangeDetector, type AdwinChangeRule } from './drift/adwin-change-detector.js';
import { SingleClassifierDrift } from './drift/single-classifier-drift.js';
import { HoeffdingTreeClassifier } from './hoeffding-tree.js';

/**
 * MOA's semi-supervised prequential loop (EfficientEvaluationLoops.PrequentialSSLEvaluation, as CapyMOA
 * calls it): test every instance; label it when p > nextDouble(); a labelled instance taken at index t
 * trains the tree just before the test of index t + 1 + delay. Returns the number classified correctly.
 */
function semiSupervisedCorrect(tree: HoeffdingTreeClassifier, labelProbability: number, delay: number): number {
  const labelDraws = new MersenneTwister(1);
  const pending: { due: number; x: Float64Array; y: number }[] = [];
  let correct = 0;
  let t = 0;
  for (const { x, y } of moaSeaDriftStream({ functions: [1, 2, 3], positions: [25_000, 50_000], count: 100_000 })) {
    while (pending.length > 0 && pending[0]!.due === t) {
      const due = pending.shift()!;
      tree.learnOne(due.x, due.y);
    }
    const labelled = labelProbability > labelDraws.nextDouble();
    if (tree.predictOne(x) === y) correct++;
    if (labelled) pending.push({ due: t + 1 + delay, x, y });
    t++;
  }
  return correct;
}

describe('Hoeffding tree against the published CapyMOA figures on SEA concepts with two abrupt drifts', () => {
  it('10% of labels, trained at once: published 84.517%', () => {
    const correct = semiSupervisedCorrect(new HoeffdingTreeClassifier({ delta: 1e-3 }), 0.1, 0);
    const accuracy = (100 * correct) / 100_000;
    expect(Math.abs(accuracy - 84.517)).toBeLessThan(0.25);
    // This implementation: 84 577 of 100 000 (pinned to ±50 so that a change of behaviour shows).
    expect(Math.abs(correct - 84_577)).toBeLessThanOrEqual(50);
  });

  it('1% of labels, each 1000 instances late: published 83.368% (83.366% in earlier outputs)', () => {
    const correct = semiSupervisedCorrect(new HoeffdingTreeClassifier({ delta: 1e-3 }), 0.01, 1000);
    const accuracy = (100 * correct) / 100_000;
    expect(Math.abs(accuracy - 83.368)).toBeLessThan(0.25);
    // This implementation: 83 392 of 100 000 (pinned to ±50).
    expect(Math.abs(correct - 83_392)).toBeLessThanOrEqual(50);
  });
});

/**
 * The rotating hyperplane. Published figure: "accuracy : 88.9739%", GitHub repository
 * Yifan127/data_stream_mining, chapter1/stream-generator.md at commit 84bc41501326e5e80a743d2827e968d3acd6dcba
 * (2017-08-13), for the MOA command
 *   EvaluateInterleavedTestThenTrain -l (moa.classifiers.drift.SingleClassifierDrift -l trees.HoeffdingTree
 *   -d ADWINChangeDetector) -s (generators.HyperplaneGenerator -t 0.001) -i 1000000
 * i.e. the final cumulative accuracy over 1 000 000 instances, each tested and then trained on. That is a
 * Hoeffding tree (MOA defaults) inside MOA's drift wrapper with ADWIN, which restarts the tree from scratch
 * whenever ADWIN flags a change in its error rate: the learner checked here is this tree inside the ports
 * of that wrapper and detector (drift/), on MOA's stream rebuilt bit for bit (moa-streams.ts).
 * MOA release 16.04 (commit c88d4c73) reproduces the figure exactly: 889 739 correct, 295 changes. Today's
 * MOA (commit 76107cf) gives 89.8928% (898 928 correct, 193 changes): its ADWINChangeDetector counts a cut
 * of the window as a change only when the error estimate rose (drift/adwin-change-detector.ts), the only
 * difference in behaviour between the two versions on this run. Both rules are checked, each against the
 * MOA version that has it.
 *
 * Tolerance, 0.25 points, as for SEA: the stream, the wrapper and the detector are MOA's (the detector fed
 * MOA's own sequence of 0/1 errors from either run flags changes after exactly MOA's instances, 295 and
 * 193), so only the tree differs, and with it the errors the detector sees, hence our other counts of
 * changes (317 and 169). Our gaps: −0.12 (16.04) and +0.05 (today). 0.25 is smaller than the shifts it
 * must catch: the tree without the wrapper scores 87.01 (−1.96), the other change rule about 1 point.
 */
function driftWrappedCorrect(rule: AdwinChangeRule): { correct: number; changes: number; warnings: number } {
  const learner = new SingleClassifierDrift(() => new HoeffdingTreeClassifier(), new AdwinChangeDetector({ rule }));
  let correct = 0;
  for (const { x, y } of moaHyperplaneStream({ magChange: 0.001, count: 1_000_000 })) {
    if (learner.testThenLearn(x, y) === y) correct++;
  }
  return { correct, changes: learner.changes, warnings: learner.warnings };
}

describe("Hoeffding tree in MOA's SingleClassifierDrift with ADWIN, against the published figure on the rotating hyperplane", () => {
  it('MOA 16.04 detector (every cut a change): published 88.9739%', () => {
    const { correct, changes, warnings } = driftWrappedCorrect('any-cut');
    expect(Math.abs((100 * correct) / 1_000_000 - 88.9739)).toBeLessThan(0.25);
    // ADWIN never reports a warning zone, so the wrapper only ever restarts from a fresh tree.
    expect(warnings).toBe(0);
    // This implementation: 888 534 correct, 317 changes (pinned to ±500 and ±10).
    expect(Math.abs(correct - 888_534)).toBeLessThanOrEqual(500);
    expect(Math.abs(changes - 317)).toBeLessThanOrEqual(10);
  });

  it("today's MOA detector (a change only when the error rose): MOA 76107cf gives 89.8928%", () => {
    const { correct, changes } = driftWrappedCorrect('error-rose');
    expect(Math.abs((100 * correct) / 1_000_000 - 89.8928)).toBeLessThan(0.25);
    // This implementation: 899 441 correct, 169 changes (pinned to ±500 and ±10).
    expect(Math.abs(correct - 899_441)).toBeLessThanOrEqual(500);
    expect(Math.abs(changes - 169)).toBeLessThanOrEqual(10);
  });
});
