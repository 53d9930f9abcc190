import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type LearningCheckpoint, type LearningPipeline } from '@modelyard/db';
import { AlreadyExists, decodeCursor, NotFound, PrismaService, UUID_PATTERN } from '@modelyard/platform';
import type { CreatePipelineBody, ListPipelinesQuery, PageQuery, PipelineState, UpdatePipelineBody } from '@modelyard/types';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

/** What a finished update run writes, all in one transaction. */
export interface UpdateRecord {
  pipelineId: string;
  seq: number;
  reason: string;
  outcome: string;
  samples: number;
  holdout: number;
  metricsBefore: object;
  metricsAfter: object;
  gate: object | null;
  version: string | null;
  experimentKey: string | null;
  driftReportId: string | null;
  detail: string | null;
  startedAt: Date;
  /** Absolute sample number up to which the buffer is consumed (unchanged when nothing was). */
  consumedThrough: bigint;
  /** A new accepted model state, when the candidate passed the gate. */
  checkpoint: { model: object; progressive: object; samplesSeen: bigint; metrics: object } | null;
}

@Injectable()
export class PipelinesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async create(body: CreatePipelineBody, actor: string, autoPromoteEnabledBy: string | null): Promise<LearningPipeline> {
    try {
      return await this.prisma.learningPipeline.create({
        data: {
          name: body.name,
          model: body.model,
          description: body.description ?? null,
          learner: body.learner,
          features: body.features,
          target: body.target,
          strategy: body.strategy,
          batchSize: body.batchSize,
          minSamples: body.minSamples,
          maxBuffer: body.maxBuffer,
          scheduleSeconds: body.schedule?.everySeconds ?? null,
          adaptive: body.adaptive ?? Prisma.DbNull,
          gate: body.gate,
          register: body.register,
          autoPromoteEnabledBy,
          onDrift: body.onDrift,
          createdBy: actor,
        },
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AlreadyExists('pipeline', body.name);
      throw err;
    }
  }

  /** By id (a UUID) or by name. */
  async get(ref: string): Promise<LearningPipeline> {
    const row =
      (UUID_PATTERN.test(ref) ? await this.prisma.learningPipeline.findUnique({ where: { id: ref } }) : null) ??
      (await this.prisma.learningPipeline.findUnique({ where: { name: ref } }));
    if (!row) throw new NotFound('pipeline', ref);
    return row;
  }

  find(id: string): Promise<LearningPipeline | null> {
    return this.prisma.learningPipeline.findUnique({ where: { id } });
  }

  list(query: ListPipelinesQuery) {
    const cursor = decodeCursor(query.cursor, (raw) => (raw.length > 0 && raw.length <= 128 ? raw : null));
    return this.prisma.learningPipeline.findMany({
      where: { ...(query.model ? { model: query.model } : {}), ...(query.state ? { state: query.state } : {}) },
      orderBy: { name: 'asc' },
      take: query.limit + 1,
      ...(cursor ? { cursor: { name: cursor }, skip: 1 } : {}),
    });
  }

  listAll(): Promise<Pick<LearningPipeline, 'id' | 'name'>[]> {
    return this.prisma.learningPipeline.findMany({ select: { id: true, name: true } });
  }

  /** `autoPromoteEnabledBy` comes with `body.register` (null: autoPromote off). */
  update(id: string, body: UpdatePipelineBody, autoPromoteEnabledBy?: string | null): Promise<LearningPipeline> {
    return this.prisma.learningPipeline.update({
      where: { id },
      data: {
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.strategy ? { strategy: body.strategy } : {}),
        ...(body.batchSize !== undefined ? { batchSize: body.batchSize } : {}),
        ...(body.minSamples !== undefined ? { minSamples: body.minSamples } : {}),
        ...(body.maxBuffer !== undefined ? { maxBuffer: body.maxBuffer } : {}),
        ...(body.schedule !== undefined ? { scheduleSeconds: body.schedule?.everySeconds ?? null } : {}),
        ...(body.adaptive !== undefined ? { adaptive: body.adaptive ?? Prisma.DbNull } : {}),
        ...(body.gate ? { gate: body.gate } : {}),
        ...(body.register
          ? { register: body.register, autoPromoteEnabledBy: autoPromoteEnabledBy ?? null }
          : {}),
        ...(body.onDrift ? { onDrift: body.onDrift } : {}),
      },
    });
  }

  setState(id: string, state: PipelineState): Promise<LearningPipeline> {
    return this.prisma.learningPipeline.update({ where: { id }, data: { state } });
  }

  async remove(id: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.learningCheckpoint.deleteMany({ where: { pipelineId: id } }),
      this.prisma.learningUpdate.deleteMany({ where: { pipelineId: id } }),
      this.prisma.learningPipeline.delete({ where: { id } }),
    ]);
  }

  latestCheckpoint(pipelineId: string): Promise<LearningCheckpoint | null> {
    return this.prisma.learningCheckpoint.findFirst({ where: { pipelineId }, orderBy: { seq: 'desc' } });
  }

  lastUpdate(pipelineId: string) {
    return this.prisma.learningUpdate.findFirst({ where: { pipelineId }, orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }] });
  }

  history(pipelineId: string, query: PageQuery) {
    const cursor = decodeCursor(query.cursor, (raw) => (UUID_PATTERN.test(raw) ? raw : null));
    return this.prisma.learningUpdate.findMany({
      where: { pipelineId },
      orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
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
        await tx.learningCheckpoint.create({
          data: { pipelineId: r.pipelineId, seq: r.seq, version: r.version, ...r.checkpoint },
        });
      }
      await tx.learningUpdate.create({
        data: {
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
        },
      });
      return true;
    }, TX_OPTIONS);
  }

  /** A failed attempt, for the history; the pipeline and its model are left as they were. */
  async recordFailure(r: Pick<UpdateRecord, 'pipelineId' | 'seq' | 'reason' | 'driftReportId' | 'detail' | 'startedAt'>): Promise<void> {
    await this.prisma.learningUpdate.create({ data: { ...r, outcome: 'failed' } });
  }
}
