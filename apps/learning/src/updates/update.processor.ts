import { Inject, Injectable } from '@nestjs/common';
import { JobHandler, retryLater, UnrecoverableError, type Job } from '@modelyard/platform';
import { JobName, LearningUpdateJob, QueueName, RetrainJob } from '@modelyard/types';
import { UpstreamRefused } from '../clients/upstream.js';
import { LockBusy } from './pipeline-lock.js';
import { UpdatesService } from './updates.service.js';

/** Updates of different pipelines run side by side; the lock keeps each pipeline to one at a time. */
const CONCURRENCY = 4;
/** A job that finds its pipeline busy waits this long and tries again, without spending an attempt. */
const BUSY_RETRY_MS = 1_000;

/**
 * The consumer of `learning-updates` (and of `retrain`, which drift sends): checks the payload,
 * calls UpdatesService, and maps its errors to the queue's terms. Errors worth retrying are
 * rethrown (BullMQ back-off); a 4xx from the registry will not get better and fails the job for good.
 */
@Injectable()
export class UpdateProcessor {
  constructor(@Inject(UpdatesService) private readonly updates: UpdatesService) {}

  @JobHandler(QueueName.learningUpdates, JobName.learningUpdate, { concurrency: CONCURRENCY })
  async update(data: unknown, job: Job) {
    const parsed = LearningUpdateJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad learning.update payload: ${parsed.error.message}`);
    try {
      return await this.updates.process(parsed.data, job.id ?? job.name);
    } catch (err) {
      // Waiting for another update is not a failure: a long update never exhausts the attempts of
      // the jobs queued behind it.
      if (err instanceof LockBusy) throw await retryLater(job, BUSY_RETRY_MS, err);
      if (err instanceof UpstreamRefused) throw new UnrecoverableError(err.message);
      throw err;
    }
  }

  @JobHandler(QueueName.retrain, JobName.retrain)
  async retrain(data: unknown) {
    const parsed = RetrainJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad retrain payload: ${parsed.error.message}`);
    return this.updates.retrain(parsed.data);
  }
}
