import { Inject, Injectable } from '@nestjs/common';
import type { UpdateReason } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { BufferStore } from '../samples/buffer.store.js';
import { planRun, skipReason } from '../updates/update-plan.js';
import { ExternalJobsRepository } from './external-jobs.repository.js';

export type Offer = { jobId: string } | { skip: string };

/**
 * Queues the next update of an external-learner pipeline for a worker to claim: the same window an
 * in-process update would read (update-plan.ts: how many samples, where the model starts, when to
 * skip), fixed at offer time so a re-leased job hands out the same samples again. At most one job
 * per pipeline is open; offering while one is answers that one.
 */
@Injectable()
export class ExternalOffers {
  constructor(
    @Inject(ExternalJobsRepository) private readonly jobs: ExternalJobsRepository,
    @Inject(BufferStore) private readonly buffer: BufferStore,
  ) {}

  async offer(p: Pipeline, reason: UpdateReason, driftReportId: string | null): Promise<Offer> {
    const open = await this.jobs.open(p.id);
    if (open) return { jobId: open.id };
    await this.buffer.trimTo(p.id, p.consumedThrough);
    // An external pipeline keeps no checkpoint: it "has a model" once it registered a version.
    const plan = planRun({ ...p, holdout: p.gate.holdout }, reason, p.currentVersion !== null);
    const { head, size } = await this.buffer.span(p.id, p.consumedThrough);
    const count = Math.min(size, plan.readLimit);
    const skip = skipReason(count, p.gate.holdout, plan.startSeen, p.minSamples);
    if (skip) return { skip };
    const { job } = await this.jobs.offer({
      pipelineId: p.id,
      reason,
      driftReportId,
      fromSample: BigInt(head),
      toSample: BigInt(head + count),
      holdout: p.gate.holdout,
      fresh: plan.reset,
      parentVersion: plan.reset ? null : p.currentVersion,
    });
    return { jobId: job.id };
  }
}
