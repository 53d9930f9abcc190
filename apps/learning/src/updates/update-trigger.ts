import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { forEachIsolated, MetricsService, PLATFORM_CONFIG, QueueService, type PlatformConfig } from '@modelyard/platform';
import { JobName, QueueName, type LearningUpdateJob, type SampleRow, type UpdateReason } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore } from '../samples/buffer.store.js';
import { evaluate, LIFETIME_WINDOW, restoreLearner, toSample } from './learner.js';
import { adaptiveWantsUpdate, strategyTrigger } from './trigger-policy.js';
import { UpdatesRepository } from './updates.repository.js';

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
    @Inject(UpdatesRepository) private readonly updates: UpdatesRepository,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  static jobId(p: Pick<Pipeline, 'id' | 'updateSeq'>, reason: UpdateReason, driftReportId?: string): string {
    return reason === 'drift' && driftReportId
      ? `learning-update:${p.id}:drift:${driftReportId}`
      : `learning-update:${p.id}:${p.updateSeq + 1}`;
  }

  async enqueue(p: Pick<Pipeline, 'id' | 'updateSeq'>, reason: UpdateReason, driftReportId?: string): Promise<string> {
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
  async afterSamples(p: Pipeline, bufferSize: number, batch: readonly SampleRow[] = []): Promise<string | null> {
    switch (strategyTrigger({ ...p, holdout: p.gate.holdout }, bufferSize)) {
      case 'samples':
        return this.enqueue(p, 'samples');
      case 'adaptive':
        return (await this.metricDropped(p, batch)) ? this.enqueue(p, 'adaptive') : null;
      case null:
        return null;
    }
  }

  /**
   * Adaptive strategy: the first model is trained as soon as possible; after that, the current
   * model is measured on the new batch against its progressive value over the last
   * LIFETIME_WINDOW samples (adaptiveWantsUpdate).
   */
  private async metricDropped(p: Pipeline, batch: readonly SampleRow[]): Promise<boolean> {
    const { adaptive } = p;
    const checkpoint = await this.updates.latestCheckpoint(p.id);
    if (!checkpoint || !adaptive) return true;
    if (!batch.length) return false;
    const model = restoreLearner(checkpoint.model);
    // The checkpoint's metrics are its lifetime metrics' values (null where they had none yet).
    const key = `${adaptive.metric}@${LIFETIME_WINDOW}`;
    const reference = Object.hasOwn(checkpoint.metrics, key) ? (checkpoint.metrics[key] ?? undefined) : undefined;
    const now = evaluate(
      model,
      adaptive.metric,
      batch.map((r) => toSample(r, p.features, p.target)),
    );
    return adaptiveWantsUpdate(adaptive, reference, now);
  }

  /** Periodic pipelines have one BullMQ scheduler each, present exactly while the pipeline is active. */
  async syncSchedule(p: Pick<Pipeline, 'id' | 'state' | 'strategy' | 'scheduleSeconds'>): Promise<void> {
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
