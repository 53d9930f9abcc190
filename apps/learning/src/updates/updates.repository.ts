import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { decodeCursor, keysetAfter, keysetSelect, PrismaService, UUID_PATTERN, type OrderColumn } from '@modelyard/platform';
import type { PageQuery } from '@modelyard/types';
import type { Checkpoint, FailureRecord, UpdateRecord, UpdateRun } from './update.js';
import { toCheckpoint, toUpdateRun } from './updates.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** Newest first; the id breaks ties between runs finished in the same millisecond. */
const NEWEST_FIRST: OrderColumn[] = [{ finishedAt: 'desc' }, { id: 'desc' }];

/**
 * A typed state as a JSON document. Prisma takes any object with toJSON() as one; the learners'
 * states are interfaces (no index signature), which its InputJsonObject type does not accept as is.
 */
const doc = (state: object): Prisma.InputJsonValue => ({ toJSON: () => state });

/** A pipeline's checkpoints and update history (learning_checkpoints, learning_updates). */
@Injectable()
export class UpdatesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The rows after the cursor row in NEWEST_FIRST (see keysetAfter). */
  private async after(id: string): Promise<Prisma.LearningUpdateWhereInput> {
    const row = await this.prisma.learningUpdate.findUnique({ where: { id }, select: keysetSelect(NEWEST_FIRST) });
    return keysetAfter<Prisma.LearningUpdateWhereInput>(NEWEST_FIRST, row);
  }

  async latestCheckpoint(pipelineId: string): Promise<Checkpoint | null> {
    const row = await this.prisma.learningCheckpoint.findFirst({ where: { pipelineId }, orderBy: { seq: 'desc' } });
    return row && toCheckpoint(row);
  }

  async lastUpdate(pipelineId: string): Promise<UpdateRun | null> {
    const row = await this.prisma.learningUpdate.findFirst({ where: { pipelineId }, orderBy: NEWEST_FIRST });
    return row && toUpdateRun(row);
  }

  async history(pipelineId: string, query: PageQuery): Promise<UpdateRun[]> {
    const cursor = decodeCursor(query.cursor, (raw) => (UUID_PATTERN.test(raw) ? raw : null));
    const rows = await this.prisma.learningUpdate.findMany({
      where: { pipelineId, ...(cursor ? await this.after(cursor) : {}) },
      orderBy: NEWEST_FIRST,
      take: query.limit + 1,
    });
    return rows.map(toUpdateRun);
  }

  /**
   * Records a finished run: its history row, the new checkpoint (if any), the consumed mark and the
   * run counter, atomically, guarded by the expected `seq` so a stale run can never commit twice.
   * Returns false when another run already committed this seq.
   */
  async commit(r: UpdateRecord): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.learningPipeline.updateMany({
        where: { id: r.pipelineId, updateSeq: r.seq - 1 },
        data: {
          updateSeq: r.seq,
          consumedThrough: r.consumedThrough,
          ...(r.checkpoint ? { samplesSeen: r.checkpoint.samplesSeen } : {}),
          ...(r.version ? { currentVersion: r.version } : {}),
        },
      });
      if (count === 0) return false;
      if (r.checkpoint) {
        const { model, progressive, samplesSeen, metrics } = r.checkpoint;
        await tx.learningCheckpoint.create({
          data: {
            pipelineId: r.pipelineId,
            seq: r.seq,
            version: r.version,
            model: doc(model),
            progressive: doc(progressive),
            samplesSeen,
            metrics,
          },
        });
      }
      await tx.learningUpdate.create({ data: historyRow(r) });
      return true;
    }, TX_OPTIONS);
  }

  async recordFailure(r: FailureRecord): Promise<void> {
    await this.prisma.learningUpdate.create({ data: { ...r, outcome: 'failed' } });
  }
}

export function historyRow(r: UpdateRecord): Prisma.LearningUpdateUncheckedCreateInput {
  return {
    pipelineId: r.pipelineId,
    seq: r.seq,
    reason: r.reason,
    outcome: r.outcome,
    samples: r.samples,
    holdout: r.holdout,
    metricsBefore: r.metricsBefore,
    metricsAfter: r.metricsAfter,
    gate: r.gate ?? Prisma.DbNull,
    version: r.version,
    experimentKey: r.experimentKey,
    driftReportId: r.driftReportId,
    detail: r.detail,
    startedAt: r.startedAt,
  };
}
