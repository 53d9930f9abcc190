import type { LearnerState, ProgressiveState } from '@modelyard/learners';
import type { SampleRow, TrialParams, TrialStatus, TuneBody, TuningStatus } from '@modelyard/types';

/** A tuning as the service works with it (JSON columns parsed once, in tunings.mapper.ts). */
export interface Tuning {
  id: string;
  pipelineId: string;
  status: TuningStatus;
  request: TuneBody;
  /** Samples learned by the end of each rung. */
  rungs: number[];
  bestTrialId: string | null;
  appliedBy: string | null;
  appliedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface Trial {
  id: string;
  tuningId: string;
  index: number;
  params: TrialParams;
  status: TrialStatus;
  rungsDone: number;
  rungTarget: number;
  rungMetrics: (number | null)[];
  sampleUpdates: number;
  detail: string | null;
}

/** What a trial resumes from: its model and progressive metric after the last finished rung. */
export interface TrialCheckpoint {
  model: LearnerState;
  progressive: ProgressiveState;
}

/** Everything a worker needs to run a trial's next rung. */
export interface TrialWork {
  tuning: Tuning;
  trial: Trial;
  checkpoint: TrialCheckpoint | null;
  samples: SampleRow[];
}

/** A finished rung, saved as the trial's new checkpoint. */
export interface RungResult {
  checkpoint: TrialCheckpoint;
  metric: number | null;
  learned: number;
}
