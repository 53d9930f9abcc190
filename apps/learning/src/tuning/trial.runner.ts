import { Inject, Injectable, Logger } from '@nestjs/common';
import { createMetric, learnerFromJSON, ProgressiveValidator, type MetricName } from '@modelyard/learners';
import { QueueService } from '@modelyard/platform';
import { JobName, QueueName, type LearningTuneTrialJob } from '@modelyard/types';
import { LearningMetrics } from '../learning.metrics.js';
import type { Pipeline } from '../pipelines/pipeline.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { createNumericLearner, linearSpec, numericTarget, toSample } from '../updates/learner.js';
import type { RungResult, Trial, TrialWork } from './tuning.js';
import { TuningsRepository } from './tunings.repository.js';

/**
 * One job per trial and rung: `learning-tune:<trial>:<rungs it is to finish>`. Every decision
 * re-queues every trial with work under that id, which is a no-op for a job already queued, running
 * or done, so a decision a killed worker made but did not queue is queued by the next one.
 */
export const trialJobId = (trial: Pick<Trial, 'id' | 'rungTarget'>) => `learning-tune:${trial.id}:${trial.rungTarget}`;

/**
 * Runs a trial's next rung. A rung continues the trial's checkpoint (model + progressive metric)
 * over the next samples of the tuning's snapshot, so every trial sees the same samples in the same
 * order, and saves the new checkpoint before the ASHA decision: a worker killed mid-rung loses that
 * rung only, and the retried job resumes from the last checkpoint, not from the first sample.
 */
@Injectable()
export class TrialRunner {
  private readonly logger = new Logger(TrialRunner.name);

  constructor(
    @Inject(TuningsRepository) private readonly tunings: TuningsRepository,
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  /**
   * Runs the trial's next rung if it has one, then the ASHA decision (also when it had none: a
   * retried job finishes the decision a killed one did not). Returns the samples it learned.
   */
  async step(trialId: string): Promise<number> {
    const work = await this.tunings.work(trialId);
    if (!work || work.tuning.status !== 'running') return 0;
    const { trial } = work;
    let learned = 0;
    if (trial.status !== 'failed' && trial.rungsDone < trial.rungTarget) {
      const pipeline = await this.pipelines.find(work.tuning.pipelineId);
      if (!pipeline) return 0;
      await this.tunings.markRunning(trial.id);
      const result = this.runRung(pipeline, work);
      this.metrics.tuningSampleUpdates.inc({ pipeline: pipeline.name }, result.learned);
      if (await this.tunings.saveRung(trial, result, work.tuning.rungs.length)) learned = result.learned;
    }
    await this.queue(await this.tunings.decide(work.tuning.id));
    return learned;
  }

  /** A trial whose configuration cannot learn fails alone; the others go on. */
  async fail(trialId: string, err: unknown): Promise<void> {
    const detail = err instanceof Error ? err.message : String(err);
    this.logger.warn(`trial ${trialId} failed: ${detail}`);
    await this.tunings.failTrial(trialId, detail);
    const work = await this.tunings.work(trialId);
    if (work) await this.queue(await this.tunings.decide(work.tuning.id));
  }

  /** Test-then-train from the checkpoint (or a fresh learner) up to the end of the next rung. */
  runRung(pipeline: Pipeline, work: TrialWork): RungResult {
    const { tuning, trial, checkpoint, samples } = work;
    const spec = { ...linearSpec(pipeline.learner), ...trial.params };
    const model = checkpoint ? learnerFromJSON(checkpoint.model) : createNumericLearner(spec);
    // tuneIssues accepted the metric for this (linear) learner: a numeric learner's metric.
    const validator = checkpoint
      ? ProgressiveValidator.fromJSON(checkpoint.progressive, model)
      : new ProgressiveValidator(model, [createMetric(tuning.request.metric as MetricName)]);
    const from = trial.rungsDone === 0 ? 0 : tuning.rungs[trial.rungsDone - 1]!;
    const to = tuning.rungs[trial.rungsDone]!;
    for (let i = from; i < to; i++) {
      const { x, y } = toSample(samples[i]!, pipeline.features, pipeline.target);
      validator.process({ x, y: numericTarget(y) });
    }
    const value = validator.metrics[0]!.get();
    return {
      checkpoint: { model: model.toJSON(), progressive: validator.toJSON() },
      metric: Number.isFinite(value) ? value : null,
      learned: to - from,
    };
  }

  /** Queues a job for every trial with a rung to run (no-ops for the ones queued already). */
  async queue(working: readonly Trial[]): Promise<void> {
    for (const t of working) {
      const job: LearningTuneTrialJob = { tuningId: t.tuningId, trialId: t.id };
      await this.queues.enqueueUnique(QueueName.learningTuning, JobName.learningTuneTrial, job, trialJobId(t));
    }
  }
}
