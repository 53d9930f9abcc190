import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { PrismaService } from '@modelyard/platform';
import type { GateResult } from '@modelyard/types';
import type { MetricsJson, UpdateRecord, UpdateRun } from '../updates/update.js';
import { toUpdateRun } from '../updates/updates.mapper.js';
import { historyRow } from '../updates/updates.repository.js';
import type { ExternalJob, NewExternalJob } from './external-job.js';
import { toExternalJob } from './external-jobs.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** What a completed job writes, in one transaction with the job's own move to `completed`. */
export interface Completion {
  job: ExternalJob;
  leaseToken: string;
  outcome: 'registered' | 'rejected';
  version: string;
  gate: GateResult;
  metrics: MetricsJson;
  experimentKey: string | null;
}

/** A lease-guarded write that found the lease not the caller's (the caller explains why). */
export const LEASE_LOST = Symbol('lease lost');
/** A completion whose window no longer starts at the pipeline's consumed mark (consumed already). */
export const WINDOW_STALE = Symbol('window stale');

/** Thrown inside the completion's transaction to roll it back; answered as WINDOW_STALE. */
class WindowStale extends Error {}

/**
 * learning_external_jobs. Every lease check is made by Postgres in the statement that acts on it
 * (token, status and `leaseExpiresAt > now()` in the WHERE), so replicas with skewed clocks agree
 * and a lease cannot expire between the check and the write.
 */
@Injectable()
export class ExternalJobsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async find(pipelineId: string, id: string): Promise<ExternalJob | null> {
    const row = await this.prisma.learningExternalJob.findFirst({ where: { id, pipelineId } });
    return row && toExternalJob(row);
  }

  /** The job queued or leased for the pipeline, if any (there is at most one). */
  async open(pipelineId: string): Promise<ExternalJob | null> {
    const row = await this.prisma.learningExternalJob.findFirst({ where: { pipelineId, status: { in: ['queued', 'leased'] } } });
    return row && toExternalJob(row);
  }

  /**
   * Queues a job unless one is open already (then that one is answered, `created` false). The
   * pipeline's row lock serializes offers, so two never race into two open jobs.
   */
  async offer(job: NewExternalJob): Promise<{ job: ExternalJob; created: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM learning_pipelines WHERE id = ${job.pipelineId}::uuid FOR UPDATE`;
      const open = await tx.learningExternalJob.findFirst({
        where: { pipelineId: job.pipelineId, status: { in: ['queued', 'leased'] } },
      });
      if (open) return { job: toExternalJob(open), created: false };
      return { job: toExternalJob(await tx.learningExternalJob.create({ data: job })), created: true };
    }, TX_OPTIONS);
  }

  /**
   * Leases the oldest claimable job of the pipeline: queued, or leased with its lease expired.
   * FOR UPDATE SKIP LOCKED: concurrent claims never wait on each other and never take the same job;
   * a claim that finds it locked by another claim sees nothing (204).
   */
  async claim(pipelineId: string, token: string, worker: string | null, leaseSeconds: number): Promise<ExternalJob | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH next AS (
        SELECT id FROM learning_external_jobs
        WHERE "pipelineId" = ${pipelineId}::uuid
          AND (status = 'queued' OR (status = 'leased' AND "leaseExpiresAt" <= (now() AT TIME ZONE 'UTC')))
        ORDER BY "createdAt", id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE learning_external_jobs AS j
      SET status = 'leased', "leaseToken" = ${token}, worker = ${worker}, "leaseSeconds" = ${leaseSeconds}::int,
          "leaseExpiresAt" = (now() AT TIME ZONE 'UTC') + ${leaseSeconds}::int * interval '1 second',
          attempts = j.attempts + 1, "updatedAt" = (now() AT TIME ZONE 'UTC')
      FROM next WHERE j.id = next.id
      RETURNING j.id::text AS id`;
    const id = rows[0]?.id;
    return id ? this.find(pipelineId, id) : null;
  }

  /** Gives a just-claimed job back (the claim could not be answered): it is claimable at once. */
  async release(id: string, token: string): Promise<void> {
    await this.prisma.learningExternalJob.updateMany({
      where: { id, leaseToken: token, status: 'leased' },
      data: { status: 'queued', leaseToken: null, leaseExpiresAt: null },
    });
  }

  /** Extends a live lease by `leaseSeconds` (default: the claim's) from now; LEASE_LOST otherwise. */
  async heartbeat(job: ExternalJob, token: string, leaseSeconds?: number): Promise<ExternalJob | typeof LEASE_LOST> {
    const seconds = leaseSeconds ?? null;
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE learning_external_jobs
      SET "leaseSeconds" = COALESCE(${seconds}::int, "leaseSeconds"),
          "leaseExpiresAt" = (now() AT TIME ZONE 'UTC') + COALESCE(${seconds}::int, "leaseSeconds") * interval '1 second', "updatedAt" = (now() AT TIME ZONE 'UTC')
      WHERE id = ${job.id}::uuid AND status = 'leased' AND "leaseToken" = ${token} AND "leaseExpiresAt" > (now() AT TIME ZONE 'UTC')
      RETURNING id::text AS id`;
    if (!rows.length) return LEASE_LOST;
    return (await this.find(job.pipelineId, job.id)) ?? LEASE_LOST;
  }

  /**
   * The worker gave up: the job is failed (its samples stay buffered, unconsumed) and the attempt is
   * in the history, as a failed built-in update is. LEASE_LOST when the lease is not the caller's.
   */
  async fail(job: ExternalJob, token: string, reason: string): Promise<ExternalJob | typeof LEASE_LOST> {
    return this.prisma.$transaction(async (tx) => {
      const moved = await leasedMove(tx, job.id, token, 'failed');
      if (!moved) return LEASE_LOST;
      const p = await tx.learningPipeline.findUniqueOrThrow({ where: { id: job.pipelineId } });
      await tx.learningUpdate.create({
        data: {
          pipelineId: job.pipelineId,
          seq: p.updateSeq + 1,
          reason: job.reason,
          driftReportId: job.driftReportId,
          outcome: 'failed',
          detail: `external worker: ${reason}`,
          startedAt: job.createdAt,
        },
      });
      const row = await tx.learningExternalJob.update({
        where: { id: job.id },
        data: { outcome: 'failed', detail: reason, leaseExpiresAt: null },
      });
      return toExternalJob(row);
    }, TX_OPTIONS);
  }

  /**
   * Records a completed job, all or nothing: the job leaves `leased` (guarded by its lease), the
   * pipeline's consumed mark moves past the trained samples (guarded by the window starting at the
   * mark, so no sample is consumed twice), and the run is written to the history.
   */
  async complete(c: Completion): Promise<{ job: ExternalJob; run: UpdateRun } | typeof LEASE_LOST | typeof WINDOW_STALE> {
    const { job } = c;
    const trained = Number(job.toSample - job.fromSample) - job.holdout;
    const consumedThrough = job.toSample - BigInt(job.holdout);
    try {
      return await this.prisma.$transaction(async (tx) => {
        if (!(await leasedMove(tx, job.id, c.leaseToken, 'completed'))) return LEASE_LOST;
        const p = await tx.learningPipeline.findUniqueOrThrow({ where: { id: job.pipelineId } });
        const registered = c.outcome === 'registered';
        const { count } = await tx.learningPipeline.updateMany({
          where: { id: job.pipelineId, consumedThrough: { lte: job.fromSample } },
          data: {
            updateSeq: { increment: 1 },
            consumedThrough,
            ...(registered ? { samplesSeen: (job.fresh ? 0n : p.samplesSeen) + BigInt(trained), currentVersion: c.version } : {}),
          },
        });
        // Throwing rolls the job's move back too: nothing of this completion is kept.
        if (count === 0) throw new WindowStale();
        const seq = p.updateSeq + 1;
        const run = await tx.learningUpdate.create({ data: historyRow(completionRecord(c, seq, trained, consumedThrough)) });
        const row = await tx.learningExternalJob.update({
          where: { id: job.id },
          data: { seq, version: c.version, outcome: c.outcome, detail: c.gate.reason, leaseExpiresAt: null },
        });
        return { job: toExternalJob(row), run: toUpdateRun(run) };
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof WindowStale) return WINDOW_STALE;
      throw err;
    }
  }

  /** The history entry a completed job was recorded as. */
  async runOf(job: ExternalJob): Promise<UpdateRun | null> {
    if (job.seq === null) return null;
    const row = await this.prisma.learningUpdate.findFirst({
      where: { pipelineId: job.pipelineId, seq: job.seq, outcome: { in: ['registered', 'rejected'] } },
    });
    return row && toUpdateRun(row);
  }
}

/** The history entry of a completed job: the run the worker made, in a built-in run's terms. */
function completionRecord(c: Completion, seq: number, trained: number, consumedThrough: bigint): UpdateRecord {
  return {
    pipelineId: c.job.pipelineId,
    seq,
    reason: c.job.reason,
    outcome: c.outcome,
    samples: trained,
    holdout: c.job.holdout,
    // The worker's model has no progressive metrics here: only what it measured on the holdout.
    metricsBefore: {},
    metricsAfter: c.metrics,
    gate: c.gate,
    version: c.version,
    experimentKey: c.experimentKey,
    driftReportId: c.job.driftReportId,
    detail: c.gate.reason,
    startedAt: c.job.createdAt,
    consumedThrough,
    checkpoint: null,
  };
}

/** Moves a job out of `leased` if the lease is the caller's and still running (Postgres' clock). */
async function leasedMove(tx: Prisma.TransactionClient, id: string, token: string, to: 'completed' | 'failed'): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE learning_external_jobs
    SET status = ${to}::"LearningExternalJobStatus", "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE id = ${id}::uuid AND status = 'leased' AND "leaseToken" = ${token} AND "leaseExpiresAt" > (now() AT TIME ZONE 'UTC')
    RETURNING id::text AS id`;
  return rows.length === 1;
}
