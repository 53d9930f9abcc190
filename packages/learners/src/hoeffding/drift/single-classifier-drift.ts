/**
 * MOA's SingleClassifierDrift (moa.classifiers.drift.DriftDetectionMethodClassifier; Gama et al. 2004,
 * "Learning with drift detection"): a learner whose 0/1 errors feed a change detector, with MOA's three
 * levels per training sample, read after the detector's input (a warning zone outranks a change):
 * - in control: nothing happens, and the next warning will start a fresh background learner;
 * - warning: a background learner (fresh at the first warning after being in control) learns the sample;
 * - change: the background learner replaces the current one (an untrained one if no warning came first:
 *   ADWIN never warns, so with it every change restarts from a fresh learner) and a fresh background
 *   learner is made.
 * Then the current learner learns the sample. Its error is taken from its prediction before learning.
 */
import type { ChangeDetector } from './adwin-change-detector.js';

export interface OnlineClassifier<X> {
  predictOne(x: X): number;
  learnOne(x: X, y: number): void;
}

export class SingleClassifierDrift<X, L extends OnlineClassifier<X>> {
  private current: L;
  private background: L;
  private freshBackgroundOnWarning = false;
  changes = 0;
  warnings = 0;

  constructor(
    private readonly newLearner: () => L,
    readonly detector: ChangeDetector,
  ) {
    this.current = newLearner();
    this.background = newLearner();
  }

  get learner(): L {
    return this.current;
  }

  predictOne(x: X): number {
    return this.current.predictOne(x);
  }

  learnOne(x: X, y: number): void {
    this.testThenLearn(x, y);
  }

  /** Predicts x, then learns (x, y): one step of interleaved test-then-train. Returns the prediction. */
  testThenLearn(x: X, y: number): number {
    const predicted = this.current.predictOne(x);
    this.detector.input(predicted === y ? 0 : 1);
    if (this.detector.warningZone) {
      if (this.freshBackgroundOnWarning) {
        this.warnings++;
        this.background = this.newLearner();
        this.freshBackgroundOnWarning = false;
      }
      this.background.learnOne(x, y);
    } else if (this.detector.change) {
      this.changes++;
      this.current = this.background;
      this.background = this.newLearner();
    } else {
      this.freshBackgroundOnWarning = true;
    }
    this.current.learnOne(x, y);
    return predicted;
  }
}
