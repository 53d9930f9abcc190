import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LearningUpdateJob, RetrainJob, UpdateOutcome } from '@modelyard/types';
import { LearningMetrics } from '../learning.metrics.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore } from '../samples/buffer.store.js';
import { LockBusy, PipelineLock } from './pipeline-lock.js';
import { followsUp } from './trigger-policy.js';
import { UpdateRunner } from './update.runner.js';
import { UpdateTrigger } from './update-trigger.js';
import { UpdatesRepository } from './updates.repository.js';

export type UpdateJobResult = { outcome: 'gone' } | { outcome: UpdateOutcome | 'handed_off'; version: string | null };

/**
 * The update jobs' use cases: run one update under the pipeline's lock, chain the next one the
 * strategy asks for, record a failed attempt in the history; and turn drift's retrain requests
 * into update jobs. Payloads carry ids only: the pipeline is reloaded under its lock.
 */
@Injectable()
export class UpdatesService {
  private readonly logger = new Logger(UpdatesService.name);

  constructor(
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(UpdatesRepository) private readonly updates: UpdatesRepository,
    @Inject(PipelineLock) private readonly lock: PipelineLock,
    @Inject(UpdateRunner) private readonly runner: UpdateRunner,
    @Inject(UpdateTrigger) private readonly trigger: UpdateTrigger,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  /** Runs the update as `owner` (the job); throws LockBusy while another update of the pipeline runs. */
  async process(job: LearningUpdateJob, owner: string): Promise<UpdateJobResult> {
    const startedAt = new Date();
    let seq: number | null = null;
    try {
      const outcome = await this.lock.run(job.pipelineId, owner, async () => {
        const p = await this.pipelines.find(job.pipelineId);
        if (!p) return null;
        seq = p.updateSeq + 1;
        return this.runner.run(p, job);
      });
      if (!outcome) return { outcome: 'gone' };
      // An external worker has the update now; its completion triggers the next one.
      if (outcome.outcome === 'handed_off') return { outcome: outcome.outcome, version: null };
      // Samples that arrived during the run may already call for the next one.
      if (followsUp(outcome.outcome)) await this.afterRun(job.pipelineId);
      return { outcome: outcome.outcome, version: outcome.version };
    } catch (err) {
      if (!(err instanceof LockBusy)) await this.recordFailure(job, seq, startedAt, err);
      throw err;
    }
  }

  /** Drift found on a linked monitor: an update of that pipeline, reset or warm-started per its `onDrift`. */
  async retrain(job: RetrainJob): Promise<{ enqueued: string | null }> {
    const p = await this.pipelines.find(job.pipelineId);
    if (!p) {
      this.logger.warn(`retrain for unknown pipeline ${job.pipelineId} (monitor ${job.monitorId}) ignored`);
      return { enqueued: null };
    }
    return { enqueued: await this.trigger.enqueue(p, 'drift', job.reportId) };
  }

  private async afterRun(pipelineId: string): Promise<void> {
    const p = await this.pipelines.find(pipelineId);
    if (p) await this.trigger.afterSamples(p, await this.buffer.size(p.id));
  }

  /** Best effort: the job reports the failure itself; a history row that cannot be written is not another one. */
  private async recordFailure(job: LearningUpdateJob, seq: number | null, startedAt: Date, err: unknown) {
    const p = await this.pipelines.find(job.pipelineId).catch(() => null);
    if (!p) return;
    this.metrics.updates.inc({ pipeline: p.name, outcome: 'failed' });
    const detail = err instanceof Error ? err.message : String(err);
    const { reason, driftReportId = null } = job;
    await this.updates
      .recordFailure({ pipelineId: p.id, seq: seq ?? p.updateSeq + 1, reason, driftReportId, detail, startedAt })
      .catch(() => undefined);
  }
}
