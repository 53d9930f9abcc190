import type { ExternalJobStatus, UpdateOutcome, UpdateReason } from '@modelyard/types';

/** An external trainer's update job as the service works with it (parsed by toExternalJob). */
export interface ExternalJob {
  id: string;
  pipelineId: string;
  reason: UpdateReason;
  driftReportId: string | null;
  status: ExternalJobStatus;
  /** Absolute sample numbers of the window: from included, to excluded (buffer.store.ts). */
  fromSample: bigint;
  toSample: bigint;
  /** The window's most recent `holdout` samples are held out for the gate. */
  holdout: number;
  fresh: boolean;
  parentVersion: string | null;
  attempts: number;
  leaseToken: string | null;
  worker: string | null;
  leaseExpiresAt: Date | null;
  /** The update run (history seq) a completed job was recorded as. */
  seq: number | null;
  version: string | null;
  outcome: UpdateOutcome | null;
  detail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The window's split: the first samples are trained on, the most recent `holdout` are held out. */
export function windowOf(job: Pick<ExternalJob, 'fromSample' | 'toSample' | 'holdout'>) {
  const from = Number(job.fromSample);
  const to = Number(job.toSample);
  const split = to - job.holdout;
  return {
    samples: { from, to, count: to - from },
    train: { from, to: split, count: split - from },
    holdout: { from: split, to, count: job.holdout },
  };
}

/** What a new job is made of (ExternalJobsRepository.offer). */
export type NewExternalJob = Pick<
  ExternalJob,
  'pipelineId' | 'reason' | 'driftReportId' | 'fromSample' | 'toSample' | 'holdout' | 'fresh' | 'parentVersion'
>;
