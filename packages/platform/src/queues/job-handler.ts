import { SetMetadata } from '@nestjs/common';
import type { JobName, QueueName } from '@modelyard/types';

/** Thrown by a handler, fails its job for good (no retry): features import it here, not from BullMQ. */

export const JOB_HANDLER = 'modelyard:job-handler';

export interface JobHandlerMeta {
  queue: QueueName;
  job: JobName;
  /** Jobs of this queue processed at once by one worker process. */
  concurrency?: number;
}

/**
 * Marks a provider method as the handler of one job. The method gets the job's payload and the
 * BullMQ job; throwing retries it with back-off, throwing UnrecoverableError fails it for good.
 */
export const JobHandler = (queue: QueueName, job: JobName, options: { concurrency?: number } = {}) =>
  SetMetadata(JOB_HANDLER, { queue, job, ...options } satisfies JobHandlerMeta);

export interface FoundHandler extends JobHandlerMeta {
  /** `Class.method`, for messages. */
  owner: string;
}

/**
 * The start-up check: every job of every consumed queue has exactly one handler, and no handler
 * waits for a job nobody sends. Returns the problems; empty means the wiring is complete.
 */
export function handlerProblems(
  consumes: readonly QueueName[],
  jobsByQueue: Record<QueueName, readonly JobName[]>,
  handlers: readonly FoundHandler[],
): string[] {
  const problems: string[] = [];
  for (const queue of consumes) {
    for (const job of jobsByQueue[queue]) {
      const owners = handlers.filter((h) => h.queue === queue && h.job === job).map((h) => h.owner);
      if (owners.length === 0) problems.push(`job '${job}' of queue '${queue}' has no handler`);
      if (owners.length > 1) problems.push(`job '${job}' of queue '${queue}' has ${owners.length} handlers: ${owners.join(', ')}`);
    }
  }
  for (const h of handlers) {
    if (!consumes.includes(h.queue)) problems.push(`${h.owner} handles queue '${h.queue}', which this service does not consume`);
    else if (!jobsByQueue[h.queue].includes(h.job)) problems.push(`${h.owner} handles '${h.job}', not a job of queue '${h.queue}'`);
  }
  return problems;
}
