import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobHandler } from '@modelyard/platform';
import { JobName, LearningUpdateJob, QueueName, RetrainJob } from '@modelyard/types';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { UpstreamRefused } from '../clients/upstream.js';
import { LearningMetrics } from '../learning.metrics.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore } from '../samples/buffer.store.js';
import { LockBusy, PipelineLock } from './pipeline-lock.js';
import { UpdateRunner } from './update.runner.js';
import { UpdateTrigger } from './update-trigger.js';

/** Updates of different pipelines run side by side; the lock keeps each pipeline to one at a time. */
const CONCURRENCY = 4;
/** A job that finds its pipeline busy waits this long and tries again, without spending an attempt. */
const BUSY_RETRY_MS = 1_000;

/**
 * The consumer of `learning-updates` (and of `retrain`, which drift sends). Payloads carry ids only:
 * the pipeline is reloaded under its lock. Errors worth retrying are rethrown (BullMQ back-off);
 * a 4xx from the registry will not get better and fails the job for good.
 */
@Injectable()
export class UpdateProcessor {
  private readonly logger = new Logger(UpdateProcessor.name);

  constructor(
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(PipelineLock) private readonly lock: PipelineLock,
    @Inject(UpdateRunner) private readonly runner: UpdateRunner,
    @Inject(UpdateTrigger) private readonly trigger: UpdateTrigger,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  @JobHandler(QueueName.learningUpdates, JobName.learningUpdate, { concurrency: CONCURRENCY })
  async update(data: unknown, job: Job) {
    const parsed = LearningUpdateJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad learning.update payload: ${parsed.error.message}`);
    const payload = parsed.data;
    const startedAt = new Date();
    let seq = 0;
    try {
      const outcome = await this.lock.run(payload.pipelineId, job.id ?? job.name, async () => {
        const p = await this.pipelines.find(payload.pipelineId);
        if (!p) return null;
        seq = p.updateSeq + 1;
        return this.runner.run(p, payload);
      });
      if (!outcome) return { outcome: 'gone' };
      // Samples that arrived during the run may already call for the next one. Not after a skip:
      // nothing was consumed, so the same buffer would call for the same skip again (a busy loop);
      // the next samples, a resume or a manual trigger start the next run instead.
      if (outcome.outcome !== 'skipped') {
        const p = await this.pipelines.find(payload.pipelineId);
        if (p) await this.trigger.afterSamples(p, await this.buffer.size(p.id));
      }
      return { outcome: outcome.outcome, version: outcome.version };
    } catch (err) {
      if (err instanceof LockBusy) {
        // Waiting for another update is not a failure: the job is put back as delayed (BullMQ's
        // DelayedError protocol), so a long update never exhausts the attempts of those queued behind it.
        if (!job.token) throw err;
        await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, job.token);
        throw new DelayedError();
      }
      const p = await this.pipelines.find(payload.pipelineId).catch(() => null);
      const detail = err instanceof Error ? err.message : String(err);
      if (p) {
        this.metrics.updates.inc({ pipeline: p.name, outcome: 'failed' });
        await this.pipelines
          .recordFailure({ pipelineId: p.id, seq: seq || p.updateSeq + 1, reason: payload.reason, driftReportId: payload.driftReportId ?? null, detail, startedAt })
          .catch(() => undefined);
      }
      if (err instanceof UpstreamRefused) throw new UnrecoverableError(detail);
      throw err;
    }
  }

  /** Drift found on a linked monitor: an update of that pipeline, reset or warm-started per its `onDrift`. */
  @JobHandler(QueueName.retrain, JobName.retrain)
  async retrain(data: unknown) {
    const parsed = RetrainJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad retrain payload: ${parsed.error.message}`);
    const p = await this.pipelines.find(parsed.data.pipelineId);
    if (!p) {
      this.logger.warn(`retrain for unknown pipeline ${parsed.data.pipelineId} (monitor ${parsed.data.monitorId}) ignored`);
      return { enqueued: null };
    }
    return { enqueued: await this.trigger.enqueue(p, 'drift', parsed.data.reportId) };
  }
}
