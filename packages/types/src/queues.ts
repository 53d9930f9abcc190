/**
 * BullMQ queue names. NEVER rename one: jobs already in Redis under the old name would be
 * stranded. Add a new name (and drain the old queue) instead.
 */
export const QueueName = {
  webhooks: 'webhooks',
  artifactGc: 'artifact-gc',
  driftChecks: 'drift-checks',
  learningUpdates: 'learning-updates',
  assignmentsPersist: 'assignments-persist',
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
