import { Inject, Injectable } from '@nestjs/common';
import { JobHandler, UnrecoverableError, type Job } from '@modelyard/platform';
import { JobName, LearningTuneTrialJob, QueueName } from '@modelyard/types';
import { TrialRunner } from './trial.runner.js';

/** Trials are CPU work on in-memory samples: two at a time per worker process leaves room for the rest. */
const CONCURRENCY = 2;
/** Attempts of a trial's rung before the trial is marked failed (a learner error will not go away). */
const MAX_ATTEMPTS = 3;

/**
 * The consumer of `learning-tuning`: one rung of one trial per job. The rung is checkpointed
 * before the decision that may promote the trial (which queues its next rung as a new job).
 */
@Injectable()
export class TrialProcessor {
  constructor(@Inject(TrialRunner) private readonly runner: TrialRunner) {}

  @JobHandler(QueueName.learningTuning, JobName.learningTuneTrial, { concurrency: CONCURRENCY })
  async run(data: unknown, job: Job) {
    const parsed = LearningTuneTrialJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad learning.tune-trial payload: ${parsed.error.message}`);
    const { trialId } = parsed.data;
    try {
      return { trialId, learned: await this.runner.step(trialId) };
    } catch (err) {
      if (job.attemptsMade + 1 < MAX_ATTEMPTS) throw err;
      await this.runner.fail(trialId, err);
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
  }
}
