import { z } from 'zod';
import { safeText } from './common.js';
import { TimeWindow } from './drift.js';

/**
 * BullMQ queue names. NEVER rename one: jobs already in Redis under the old name would be
 * stranded. Add a new name (and drain the old queue) instead.
 */
export const QueueName = {
  webhooks: 'webhooks',
  artifactGc: 'artifact-gc',
  driftChecks: 'drift-checks',
  learningUpdates: 'learning-updates',
  experimentsTick: 'experiments-tick',
  /** Drift → learning: "this pipeline's model drifted, retrain it". Consumed by apps/learning. */
  retrain: 'retrain',
  /** Trials of hyperparameter searches (learning): one job per trial and rung it is promoted to. */
  learningTuning: 'learning-tuning',
  /** The audit retention archive (registry): moves entries past AUDIT_RETENTION_DAYS to the artifact storage. */
  auditArchive: 'audit-archive',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * Default options for every job: retried with exponential back-off, failed jobs kept for
 * inspection, completed ones trimmed so Redis does not grow without bound.
 */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;

/**
 * Job names, per queue. Like queue names, never rename one. A service that consumes a queue must
 * register exactly one handler for each of its jobs (checked at start-up).
 */
export const JobName = {
  webhookDeliver: 'webhook.deliver',
  artifactGc: 'artifact.gc',
  experimentsTick: 'experiments.tick',
  driftCheck: 'drift.check',
  driftWindowCheck: 'drift.window-check',
  learningUpdate: 'learning.update',
  retrain: 'retrain',
  learningTuneTrial: 'learning.tune-trial',
  auditArchive: 'audit.archive',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export const QUEUE_JOBS: Record<QueueName, readonly JobName[]> = {
  [QueueName.webhooks]: [JobName.webhookDeliver],
  [QueueName.artifactGc]: [JobName.artifactGc],
  [QueueName.driftChecks]: [JobName.driftCheck, JobName.driftWindowCheck],
  [QueueName.learningUpdates]: [JobName.learningUpdate],
  [QueueName.experimentsTick]: [JobName.experimentsTick],
  [QueueName.retrain]: [JobName.retrain],
  [QueueName.learningTuning]: [JobName.learningTuneTrial],
  [QueueName.auditArchive]: [JobName.auditArchive],
};

/** Payloads carry ids only: the worker reloads the current state from the database. */
export const WebhookDeliverJob = z.strictObject({ deliveryId: z.uuid() });
export type WebhookDeliverJob = z.infer<typeof WebhookDeliverJob>;

/** Garbage collection looks for every unreferenced blob; `reason` is for the logs. */
export const ArtifactGcJob = z.strictObject({ reason: safeText().max(200) });
export type ArtifactGcJob = z.infer<typeof ArtifactGcJob>;

/** One drift check of one monitor; the worker reads the monitor and its window when it runs. */
export const DriftCheckJob = z.strictObject({
  monitorId: z.uuid(),
  /** `schedule` for the repeatable job, `manual` for an on-demand check. */
  trigger: z.enum(['schedule', 'manual']),
});
export type DriftCheckJob = z.infer<typeof DriftCheckJob>;

/**
 * One check of a time window of record time (`POST /v1/monitors/:id/check/window`). The window is
 * the request itself, fixed at `requestedAt` (its hours end with that hour), not state to reload.
 */
export const DriftWindowCheckJob = z.strictObject({
  monitorId: z.uuid(),
  checkId: z.uuid(),
  window: TimeWindow,
  requestedAt: z.iso.datetime(),
});
export type DriftWindowCheckJob = z.infer<typeof DriftWindowCheckJob>;

/** Why a learning pipeline updates its model. */
export const UpdateReason = z.enum(['samples', 'schedule', 'manual', 'adaptive', 'drift']);
export type UpdateReason = z.infer<typeof UpdateReason>;

/** One model update of one pipeline (at most one runs at a time per pipeline). */
export const LearningUpdateJob = z.strictObject({
  pipelineId: z.uuid(),
  reason: UpdateReason,
  /** Set when `reason` is `drift`: the report that triggered it. */
  driftReportId: z.uuid().optional(),
});
export type LearningUpdateJob = z.infer<typeof LearningUpdateJob>;

/**
 * Sent by the drift service when a monitor's severity reaches its `retrain.minSeverity` and a
 * pipeline is linked; at most one per monitor and cool-down (the job id is derived from both).
 * Ids only: the learning service (or an external trainer on BullMQ's Python port, reading queue
 * `retrain`, job name `retrain`) looks up the pipeline and, if it wants, the drift report.
 */
export const RetrainJob = z.strictObject({
  pipelineId: z.uuid(),
  monitorId: z.uuid(),
  reportId: z.uuid(),
});
export type RetrainJob = z.infer<typeof RetrainJob>;

/** Runs one trial of a tuning up to the rung it is promoted to; the worker reads the trial's checkpoint. */
export const LearningTuneTrialJob = z.strictObject({ tuningId: z.uuid(), trialId: z.uuid() });
export type LearningTuneTrialJob = z.infer<typeof LearningTuneTrialJob>;
