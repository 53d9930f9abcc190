import { z } from 'zod';

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
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export const QUEUE_JOBS: Record<QueueName, readonly JobName[]> = {
  [QueueName.webhooks]: [JobName.webhookDeliver],
  [QueueName.artifactGc]: [JobName.artifactGc],
  [QueueName.driftChecks]: [],
  [QueueName.learningUpdates]: [],
  [QueueName.experimentsTick]: [JobName.experimentsTick],
};

/** Payloads carry ids only: the worker reloads the current state from the database. */
export const WebhookDeliverJob = z.strictObject({ deliveryId: z.uuid() });
export type WebhookDeliverJob = z.infer<typeof WebhookDeliverJob>;

/** Garbage collection looks for every unreferenced blob; `reason` is for the logs. */
export const ArtifactGcJob = z.strictObject({ reason: z.string().max(200) });
export type ArtifactGcJob = z.infer<typeof ArtifactGcJob>;
