import { DelayedError, type Job } from 'bullmq';

// What a @JobHandler may need of BullMQ, so features import it from here and not BullMQ itself.
// Throwing UnrecoverableError fails a job for good (no retry); `Job` is the handler's second argument.
export { UnrecoverableError } from 'bullmq';
export type { Job } from 'bullmq';

/**
 * Puts a running job back as delayed for `delayMs` without spending one of its attempts (BullMQ's
 * DelayedError protocol), for work that has to wait (e.g. for a lock) and has not failed. The
 * handler then throws what this returns. A job without a lock token was not handed out by a worker
 * and cannot be moved: `otherwise` is returned for it, to be retried with the usual back-off.
 */
export async function retryLater(job: Job, delayMs: number, otherwise: Error): Promise<Error> {
  if (!job.token) return otherwise;
  await job.moveToDelayed(Date.now() + delayMs, job.token);
  return new DelayedError();
}
