import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { LearningPipeline } from '@modelyard/db';
import { ProgressiveValidator, metricKey, type MetricName } from '@modelyard/learners';
import {
  forEachIsolated,
  MetricsService,
  PLATFORM_CONFIG,
  QueueService,
  type PlatformConfig,
} from '@modelyard/platform';
import { JobName, QueueName, type LearningUpdateJob, type SampleRow, type UpdateReason } from '@modelyard/types';
import { specOf } from '../pipelines/pipelines.mapper.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore } from '../samples/buffer.store.js';
import { evaluate, LIFETIME_WINDOW, restoreLearner, toRecord } from './learner.js';

const LOWER_IS_BETTER: readonly string[] = ['log_loss', 'mae', 'rmse'];

/**
 * Decides when a pipeline updates (its strategy) and enqueues the update job. Job ids are
 * deterministic, `learning-update:<pipeline>:<next run number>`, so concurrent triggers of the same
 * run collapse into one job; a drift-triggered run is keyed by its report instead.
 */
@Injectable()
export class UpdateTrigger implements OnApplicationBootstrap {
  private readonly logger = new Logger(UpdateTrigger.name);

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  static jobId(p: Pick<LearningPipeline, 'id' | 'updateSeq'>, reason: UpdateReason, driftReportId?: string): string {
    return reason === 'drift' && driftReportId ? `learning-update:${p.id}:drift:${driftReportId}` : `learning-update:${p.id}:${p.updateSeq + 1}`;
  }

  async enqueue(p: Pick<LearningPipeline, 'id' | 'updateSeq'>, reason: UpdateReason, driftReportId?: string): Promise<string> {
    const jobId = UpdateTrigger.jobId(p, reason, driftReportId);
    const data: LearningUpdateJob = { pipelineId: p.id, reason, ...(driftReportId ? { driftReportId } : {}) };
    // A failed run does not advance updateSeq, so its job keeps the id of the next run: enqueueUnique
    // replaces that failed job, so a new trigger runs again (the failure stays in the history).
    return this.queues.enqueueUnique(QueueName.learningUpdates, JobName.learningUpdate, data, jobId);
  }

  /**
   * After samples arrived (or an update finished): the run the strategy asks for, if any. `batch` is
   * the newly accepted rows, used by the adaptive strategy to measure the current model on them.
   */
  async afterSamples(p: LearningPipeline, bufferSize: number, batch: readonly SampleRow[] = []): Promise<string | null> {
    if (p.state !== 'active') return null;
    const spec = specOf(p);
    const trainable = bufferSize - spec.gate.holdout;
    if (trainable < 1 || Number(p.samplesSeen) + trainable < p.minSamples) return null;
    switch (p.strategy) {
      case 'incremental':
        return this.enqueue(p, 'samples');
      case 'mini_batch':
        return trainable >= p.batchSize ? this.enqueue(p, 'samples') : null;
      case 'adaptive':
        return (await this.metricDropped(p, batch)) ? this.enqueue(p, 'adaptive') : null;
      default:
        return null;
    }
  }

  /**
   * Adaptive strategy: the first model is trained as soon as possible; after that, an update runs
   * when the current model's metric on the new batch is worse than its progressive value (over the
   * last LIFETIME_WINDOW samples) by more than `dropThreshold`.
   */
  private async metricDropped(p: LearningPipeline, batch: readonly SampleRow[]): Promise<boolean> {
    const { adaptive, features } = specOf(p);
    const checkpoint = await this.pipelines.latestCheckpoint(p.id);
    if (!checkpoint || !adaptive) return true;
    if (!batch.length) return false;
    const model = restoreLearner(checkpoint.model);
    const progressive = ProgressiveValidator.fromJSON(checkpoint.progressive as never, model);
    const reference = progressive.metrics.find((m) => metricKey(m) === `${adaptive.metric}@${LIFETIME_WINDOW}`)?.get();
    const now = evaluate(model, adaptive.metric as MetricName, batch.map((r) => ({ x: toRecord(r, features), y: r[p.target] as number })));
    if (reference === undefined || !Number.isFinite(reference) || !Number.isFinite(now)) return false;
    const drop = LOWER_IS_BETTER.includes(adaptive.metric) ? now - reference : reference - now;
    return drop > adaptive.dropThreshold;
  }

  /** Periodic pipelines have one BullMQ scheduler each, present exactly while the pipeline is active. */
  async syncSchedule(p: LearningPipeline): Promise<void> {
    const id = `learning-periodic:${p.id}`;
    if (p.state === 'active' && p.strategy === 'periodic' && p.scheduleSeconds) {
      const data: LearningUpdateJob = { pipelineId: p.id, reason: 'schedule' };
      await this.queues.schedule(QueueName.learningUpdates, JobName.learningUpdate, id, p.scheduleSeconds * 1000, data);
    } else {
      await this.queues.unschedule(QueueName.learningUpdates, id);
    }
  }

  /**
   * At start-up, runs anything left pending by a crash between acknowledging samples and enqueuing
   * their update. The deterministic ids make this harmless when the job exists already. A pipeline
   * that fails here is logged and counted, and the others are still recovered.
   */
  async onApplicationBootstrap() {
    if (!this.config.queues.runWorkers) return;
    await forEachIsolated(
      await this.pipelines.listAll(),
      async ({ id }) => {
        const p = await this.pipelines.find(id);
        if (!p || (p.strategy !== 'incremental' && p.strategy !== 'mini_batch')) return;
        await this.afterSamples(p, await this.buffer.size(p.id));
      },
      {
        loop: 'learning-recovery',
        logger: this.logger,
        failures: this.metrics.backgroundFailures,
        describe: (p) => `pipeline ${p.name}`,
      },
    );
  }
}
