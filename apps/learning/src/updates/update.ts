import type { GateResult, UpdateOutcome, UpdateReason } from '@modelyard/types';
import type { LifetimeState, PipelineModelState } from './learner.js';

/** Metric values as stored and answered: NaN (nothing to report yet) is null. */
export type MetricsJson = Record<string, number | null>;

/** An accepted model state (immutable), parsed by `toCheckpoint` (updates.mapper.ts). */
export interface Checkpoint {
  seq: number;
  /** The version registered with it. */
  version: string | null;
  samplesSeen: bigint;
  /** The model's toJSON() (packages/learners' linear or softmax model). */
  model: PipelineModelState;
  /** The pipeline's lifetime (windowed) metrics: ProgressiveValidator.toJSON(), or multiclass metrics. */
  progressive: LifetimeState;
  metrics: MetricsJson;
}

/** One finished (or failed) update run, as its history entry. */
export interface UpdateRun {
  id: string;
  seq: number;
  reason: UpdateReason;
  outcome: UpdateOutcome;
  samples: number;
  holdout: number;
  metricsBefore: MetricsJson;
  metricsAfter: MetricsJson;
  gate: GateResult | null;
  version: string | null;
  experimentKey: string | null;
  driftReportId: string | null;
  detail: string | null;
  startedAt: Date;
  finishedAt: Date;
}

/** A new accepted model state, written with the run that produced it. */
export interface NewCheckpoint {
  model: PipelineModelState;
  progressive: LifetimeState;
  samplesSeen: bigint;
  metrics: MetricsJson;
}

/** What a finished update run writes, all in one transaction (UpdatesRepository.commit). */
export interface UpdateRecord extends Omit<UpdateRun, 'id' | 'finishedAt'> {
  pipelineId: string;
  /** Absolute sample number up to which the buffer is consumed (unchanged when nothing was). */
  consumedThrough: bigint;
  /** Set when the candidate passed the gate. */
  checkpoint: NewCheckpoint | null;
}

/** A failed attempt, for the history; the pipeline and its model are left as they were. */
export type FailureRecord = Pick<UpdateRecord, 'pipelineId' | 'seq' | 'reason' | 'driftReportId' | 'detail' | 'startedAt'>;
