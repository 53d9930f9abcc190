import { HoeffdingTreeClassifier } from '../hoeffding-tree.js';
import type { ChangeDetector } from './adwin-change-detector.js';
import { SingleClassifierDrift } from './single-classifier-drift.js';

/** A detector that reports the given levels in turn: 'i' in control, 'w' warning, 'c' change, 'b' both. */
class ScriptedDetector implements ChangeDetector {
  change = false;
  warningZone = false;
  readonly inputs: number[] = [];
  constructor(private readonly script: string) {}
  input(value: number): void {
    const level = this.script[this.inputs.length] ?? 'i';
    this.inputs.push(value);
    this.change = level === 'c' || level === 'b';
    this.warningZone = level === 'w' || level === 'b';
  }
}

/** Predicts a constant; records what it learned. */
class Recorder {
  readonly learned: number[] = [];
  constructor(readonly id: number) {}
  predictOne(): number {
    return 1;
  }
  learnOne(_x: number, y: number): void {
    this.learned.push(y);
  }
}

function wrapped(script: string) {
  let made = 0;
  const detector = new ScriptedDetector(script);
  const drift = new SingleClassifierDrift<number, Recorder>(() => new Recorder(made++), detector);
  return { drift, detector };
}

// The level logic of MOA's DriftDetectionMethodClassifier.trainOnInstanceImpl (MOA 16.04 and 76107cf).
describe('SingleClassifierDrift (MOA DriftDetectionMethodClassifier)', () => {
  it('feeds the detector the 0/1 error of the prediction made before learning', () => {
    const { drift, detector } = wrapped('');
    expect([drift.testThenLearn(0, 1), drift.testThenLearn(0, 0)]).toEqual([1, 1]);
    expect(detector.inputs).toEqual([0, 1]);
    expect(drift.learner.learned).toEqual([1, 0]);
  });

  it('trains a background learner during a warning and promotes it at the change', () => {
    // Learners 0 (current) and 1 (background) at the start; the first warning after being in control
    // replaces the background learner by a fresh one (2), which learns the warning samples.
    const { drift } = wrapped('iwwc');
    for (const y of [0, 1, 0, 1]) drift.learnOne(0, y);
    expect(drift.learner.id).toBe(2);
    // Samples 1 and 2 in the warning zone, then sample 3 (learned by the new current learner).
    expect(drift.learner.learned).toEqual([1, 0, 1]);
    expect([drift.warnings, drift.changes]).toEqual([1, 1]);
  });

  it('restarts from an untrained learner on a change without warning (as with ADWIN)', () => {
    const { drift } = wrapped('iic');
    for (const y of [0, 1, 0]) drift.learnOne(0, y);
    expect(drift.learner.id).toBe(1);
    expect(drift.learner.learned).toEqual([0]);
    expect([drift.warnings, drift.changes]).toEqual([0, 1]);
  });

  it('treats a warning flagged together with a change as a warning, and starts one background learner per warning zone', () => {
    const { drift } = wrapped('bwiw');
    for (const y of [0, 1, 0, 1]) drift.learnOne(0, y);
    // No 'i' before the first warning: the initial background learner (1) learns samples 0 and 1; the
    // warning after sample 2 (in control) starts learner 2.
    expect([drift.warnings, drift.changes]).toEqual([1, 0]);
    expect(drift.learner.id).toBe(0);
    expect(drift.learner.learned).toEqual([0, 1, 0, 1]);
  });

  it('wraps a fresh Hoeffding tree per restart, with the same options', () => {
    const drift = new SingleClassifierDrift(() => new HoeffdingTreeClassifier({ gracePeriod: 50 }), new ScriptedDetector('iic'));
    const x = Float64Array.of(0.5);
    for (let i = 0; i < 3; i++) drift.learnOne(x, 1);
    expect(drift.learner.samplesSeen).toBe(1);
    expect(drift.learner.options.gracePeriod).toBe(50);
  });
});
