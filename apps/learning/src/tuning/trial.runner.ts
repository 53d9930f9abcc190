import { Inject, Injectable, Logger } from '@nestjs/common';
import { createMetric, ProgressiveValidator } from '@modelyard/learners';
import { QueueService } from '@modelyard/platform';
import { JobName, QueueName, type LearningTuneTrialJob } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { builtinSpec, createLearner, restoreLearner, toSample } from '../updates/learner.js';
import type { RungResult, Trial, TrialWork } from './tuning.js';
import { TuningsRepository } from './tunings.repository.js';

/** One job per trial and rung target: a promotion queues a new job, a repeated add is a no-op. */
export const trialJobId = (trial: Pick<Trial, 'id' | 'rungTarget'>) => `learning-tune:${trial.id}:${trial.rungTarget}`;

/**
 * Runs trials rung by rung. A rung continues the trial's checkpoint (model + progressive metric)
 * over the next samples of the tuning's snapshot, so every trial sees the same samples in the same
 * order, and saves the new checkpoint before anything else happens: a worker killed mid-rung loses
 * that rung only, and its retry resumes from the last checkpoint.
 */
@Injectable()
export class TrialRunner {
  private readonly logger = new Logger(TrialRunner.name);

  constructor(
    @Inject(TuningsRepository) private readonly tunings: TuningsRepository,
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(QueueService) private readonly queues: QueueService,
  ) {}

  /**
   * Runs the trial's next rung if it has one, then the ASHA decision (also when it had none: a
   * retried job finishes the decision a killed one did not). Returns whether the trial has another
   * rung to run now.
   */
  async step(trialId: string): Promise<boolean> {
    const work = await this.tunings.work(trialId);
    if (!work || work.tuning.status !== 'running') return false;
    const { trial } = work;
    if (trial.status !== 'failed' && trial.rungsDone < trial.rungTarget) {
      const pipeline = await this.pipelines.find(work.tuning.pipelineId);
      if (!pipeline) return false;
      await this.tunings.markRunning(trial.id);
      const result = this.runRung(pipeline, work);
      if (!(await this.tunings.saveRung(trial, result, work.tuning.rungs.length))) return false;
    }
    const working = await this.tunings.decide(work.tuning.id);
    await this.queueOthers(working, trialId);
    return working.some((t) => t.id === trialId);
  }

  /** A trial whose configuration cannot learn (e.g. diverges into an error) fails alone. */
  async fail(trialId: string, err: unknown): Promise<void> {
    const detail = err instanceof Error ? err.message : String(err);
    this.logger.warn(`trial ${trialId} failed: ${detail}`);
    await this.tunings.failTrial(trialId, detail);
    const work = await this.tunings.work(trialId);
    if (work) await this.queueOthers(await this.tunings.decide(work.tuning.id), trialId);
  }

  /** Test-then-train from the checkpoint (or a fresh learner) up to the end of the next rung. */
  runRung(pipeline: Pipeline, work: TrialWork): RungResult {
    const { tuning, trial, checkpoint, samples } = work;
    const spec = { ...builtinSpec(pipeline.learner), ...trial.params };
    const model = checkpoint ? restoreLearner(checkpoint.model) : createLearner(spec);
    const validator = checkpoint
      ? ProgressiveValidator.fromJSON(checkpoint.progressive, model)
      : new ProgressiveValidator(model, [createMetric(tuning.request.metric)]);
    const from = trial.rungsDone === 0 ? 0 : tuning.rungs[trial.rungsDone - 1]!;
    const to = tuning.rungs[trial.rungsDone]!;
    for (let i = from; i < to; i++) validator.process(toSample(samples[i]!, pipeline.features, pipeline.target));
    const value = validator.metrics[0]!.get();
    return {
      checkpoint: { model: model.toJSON(), progressive: validator.toJSON() },
      metric: Number.isFinite(value) ? value : null,
      learned: to - from,
    };
  }

  /** Queues the trials with work, except the one this worker goes on with. */
  async queueOthers(working: readonly Trial[], current: string | null): Promise<void> {
    for (const t of working) {
      if (t.id === current) continue;
      const job: LearningTuneTrialJob = { tuningId: t.tuningId, trialId: t.id };
      await this.queues.enqueueUnique(QueueName.learningTuning, JobName.learningTuneTrial, job, trialJobId(t));
    }
  }
}
