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
import { MersenneTwister, moaSeaDriftStream } from '../moa-streams.js';
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
