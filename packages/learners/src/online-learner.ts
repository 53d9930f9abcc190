/**
 * What the learning pipelines need of any in-process learner, and the one entry point that restores
 * a learner from its model.json (toJSON() output), whichever family wrote it.
 */
import { HoeffdingTreeClassifier, type HoeffdingTreeState } from './hoeffding/hoeffding-tree.js';
import type { Features, LinearModelState } from './linear-model.js';
import { modelFromJSON } from './models.js';

export interface OnlineLearner {
  readonly kind: string;
  readonly options: object;
  samplesSeen: number;
  learnOne(x: Features, y: number): void;
  predictOne(x: Features): number;
  toJSON(): LearnerState;
}

export type LearnerState = LinearModelState | HoeffdingTreeState;

/** The format tag of each learner family's model.json. */
export const LEARNER_FORMATS: readonly string[] = ['modelyard.linear-model', 'modelyard.hoeffding-tree'];

/** Restores a learner from its toJSON() output; throws TypeError when it is none of ours. */
export function learnerFromJSON(state: LearnerState): OnlineLearner {
  switch (state?.format) {
    case 'modelyard.linear-model':
      return modelFromJSON(state);
    case 'modelyard.hoeffding-tree':
      return HoeffdingTreeClassifier.fromJSON(state);
    default:
      throw new TypeError(`not a modelyard learner state (format ${JSON.stringify((state as { format?: unknown })?.format)})`);
  }
}
