import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import {
  AlreadyExists,
  decodeCursor,
  keysetAfter,
  NotFound,
  PrismaService,
  UUID_PATTERN,
  modelNameWhere,
  type ModelFilter,
} from '@modelyard/platform';
import type { CreatePipelineBody, ListPipelinesQuery, PipelineState, UpdatePipelineBody } from '@modelyard/types';
import type { Pipeline } from './pipeline.js';
import { auditPipeline } from './pipelines.audit.js';
import { toPipeline } from './pipelines.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/** The learning_pipelines table; every read returns the parsed domain type. */
@Injectable()
export class PipelinesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async create(body: CreatePipelineBody, actor: string, autoPromoteEnabledBy: string | null): Promise<Pipeline> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const row = await tx.learningPipeline.create({
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
        const created = toPipeline(row);
        await auditPipeline(tx, 'pipeline.created', actor, null, created);
        return created;
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AlreadyExists('pipeline', body.name);
      throw err;
    }
  }

  /** The model of a pipeline given by id or name, for team checks; null when there is no such pipeline. */
  async modelOf(ref: string): Promise<string | null> {
    const select = { model: true } as const;
    const row =
      (UUID_PATTERN.test(ref) ? await this.prisma.learningPipeline.findUnique({ where: { id: ref }, select }) : null) ??
      (await this.prisma.learningPipeline.findUnique({ where: { name: ref }, select }));
    return row?.model ?? null;
  }

  /** By id (a UUID) or by name. */
  async get(ref: string): Promise<Pipeline> {
    const row =
      (UUID_PATTERN.test(ref) ? await this.prisma.learningPipeline.findUnique({ where: { id: ref } }) : null) ??
      (await this.prisma.learningPipeline.findUnique({ where: { name: ref } }));
    if (!row) throw new NotFound('pipeline', ref);
    return toPipeline(row);
  }

  async find(id: string): Promise<Pipeline | null> {
    const row = await this.prisma.learningPipeline.findUnique({ where: { id } });
    return row && toPipeline(row);
  }

  /** `readable`: the models whose pipelines the caller may read. */
  async list(query: ListPipelinesQuery, readable: ModelFilter): Promise<Pipeline[]> {
    const cursor = decodeCursor(query.cursor, (raw) => (raw.length > 0 && raw.length <= 128 ? raw : null));
    const visible = modelNameWhere(readable);
    const rows = await this.prisma.learningPipeline.findMany({
      where: {
        ...(visible ? { AND: [{ model: visible }] } : {}),
        ...(query.model ? { model: query.model } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(cursor ? keysetAfter<Prisma.LearningPipelineWhereInput>([{ name: 'asc' }], { name: cursor }) : {}),
      },
      orderBy: { name: 'asc' },
      take: query.limit + 1,
    });
    return rows.map(toPipeline);
  }

  /** Ids and names only (no JSON to parse), at most `limit` of them when given. */
  listAll(limit?: number): Promise<Pick<Pipeline, 'id' | 'name'>[]> {
    return this.prisma.learningPipeline.findMany({
      select: { id: true, name: true },
      ...(limit ? { take: limit } : {}),
    });
  }

  /** `autoPromoteEnabledBy` comes with `body.register` (null: autoPromote off). */
  update(id: string, body: UpdatePipelineBody, actor: string, autoPromoteEnabledBy?: string | null): Promise<Pipeline> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.learningPipeline.findUnique({ where: { id } });
      if (!before) throw new NotFound('pipeline', id);
      const row = await tx.learningPipeline.update({
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
          ...(body.register ? { register: body.register, autoPromoteEnabledBy: autoPromoteEnabledBy ?? null } : {}),
          ...(body.onDrift ? { onDrift: body.onDrift } : {}),
        },
      });
      const after = toPipeline(row);
      await auditPipeline(tx, 'pipeline.updated', actor, toPipeline(before), after);
      return after;
    }, TX_OPTIONS);
  }

  setState(id: string, state: PipelineState, actor: string): Promise<Pipeline> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.learningPipeline.findUnique({ where: { id } });
      if (!before) throw new NotFound('pipeline', id);
      const after = toPipeline(await tx.learningPipeline.update({ where: { id }, data: { state } }));
      await auditPipeline(tx, state === 'paused' ? 'pipeline.paused' : 'pipeline.resumed', actor, toPipeline(before), after);
      return after;
    }, TX_OPTIONS);
  }

  /** Its checkpoints and history go with it (foreign keys with ON DELETE CASCADE). */
  async remove(id: string, actor: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const before = await tx.learningPipeline.findUnique({ where: { id } });
      if (!before) throw new NotFound('pipeline', id);
      await tx.learningPipeline.delete({ where: { id } });
      await auditPipeline(tx, 'pipeline.deleted', actor, toPipeline(before), null);
    }, TX_OPTIONS);
  }
}
