import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import {
  AlreadyExists,
  Conflict,
  decodeCursor,
  keysetAfter,
  modelNameWhere,
  NotFound,
  PrismaService,
  TeamChanges,
  type ModelFilter,
} from '@modelyard/platform';
import type { CreateModelBody, ListModelsQuery, UpdateModelBody } from '@modelyard/types';
import { AuditRepository } from '../audit/audit.repository.js';
import { toModelResponse } from './models.mapper.js';
import { lockModel, TX_OPTIONS } from './model-lock.js';

/** The owning team comes with every model read, for its response. */
const WITH_TEAM = { ownership: { select: { team: true } } } as const;

const isPrismaError = (err: unknown, code: string) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;

@Injectable()
export class ModelsRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(TeamChanges) private readonly teamChanges: TeamChanges,
  ) {}

  /** `keyTags`: MLflow's key/value tags, when the model is registered through MLflow's API. */
  async create(body: CreateModelBody, actor: string, keyTags: { key: string; value: string }[] = []) {
    try {
      const created = await this.prisma.$transaction(async (tx) => {
        const row = await tx.registeredModel.create({
          data: {
            name: body.name,
            description: body.description ?? null,
            tags: body.tags ?? [],
            owner: body.owner ?? actor,
            versioning: body.versioning ?? 'semver',
            requiredApprovals: body.requiredApprovals ?? 0,
            keyTags,
            // platform_model_teams, written with the model so no service ever sees it without its team.
            ...(body.team ? { ownership: { create: { team: body.team } } } : {}),
          },
          include: WITH_TEAM,
        });
        await this.audit.record(tx, { model: row.name, action: 'model.created', actor, subject: row.name, after: toModelResponse(row) });
        return row;
      }, TX_OPTIONS);
      // Team checks may have read this name as unowned before it existed.
      if (body.team) await this.teamChanges.announce(`model ${body.name} created`);
      return created;
    } catch (err) {
      if (isPrismaError(err, 'P2002')) throw new AlreadyExists('model', body.name);
      if (body.team && (isPrismaError(err, 'P2003') || isPrismaError(err, 'P2025'))) throw new NotFound('team', body.team);
      throw err;
    }
  }

  /** `readable`: the models the caller may read. */
  list(query: ListModelsQuery, readable: ModelFilter) {
    const cursor = decodeCursor(query.cursor, (raw) => (raw.length > 0 && raw.length <= 128 ? raw : null));
    const visible = modelNameWhere(readable);
    return this.prisma.registeredModel.findMany({
      where: {
        ...(query.prefix ? { name: { startsWith: query.prefix } } : {}),
        ...(query.tag ? { tags: { has: query.tag } } : {}),
        AND: [
          ...(visible ? [{ name: visible }] : []),
          ...(cursor ? [keysetAfter<Prisma.RegisteredModelWhereInput>([{ name: 'asc' }], { name: cursor })] : []),
        ],
      },
      include: WITH_TEAM,
      orderBy: { name: 'asc' },
      take: query.limit + 1,
    });
  }

  async get(name: string) {
    const row = await this.prisma.registeredModel.findUnique({ where: { name }, include: WITH_TEAM });
    if (!row) throw new NotFound('model', name);
    return row;
  }

  async update(name: string, body: UpdateModelBody, actor: string) {
    try {
      const row = await this.updateLocked(name, body, actor);
      if (body.team) await this.teamChanges.announce(`model ${name} transferred`);
      return row;
    } catch (err) {
      if (body.team && (isPrismaError(err, 'P2003') || isPrismaError(err, 'P2025'))) throw new NotFound('team', body.team);
      throw err;
    }
  }

  private updateLocked(name: string, body: UpdateModelBody, actor: string) {
    return this.prisma.$transaction(async (tx) => {
      const id = await lockModel(tx, name);
      const before = await tx.registeredModel.findUniqueOrThrow({ where: { id }, include: WITH_TEAM });
      if (body.versioning && body.versioning !== before.versioning && (await tx.modelVersion.count({ where: { modelId: id } }))) {
        throw new Conflict(`model '${name}' has versions named as ${before.versioning}; its versioning can change only while it has none`, {
          versioning: before.versioning,
        });
      }
      const row = await tx.registeredModel.update({
        where: { id },
        data: {
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.tags ? { tags: body.tags } : {}),
          ...(body.owner ? { owner: body.owner } : {}),
          ...(body.versioning ? { versioning: body.versioning } : {}),
          ...(body.requiredApprovals !== undefined ? { requiredApprovals: body.requiredApprovals } : {}),
          ...(body.team ? { ownership: { upsert: { create: { team: body.team }, update: { team: body.team } } } } : {}),
        },
        include: WITH_TEAM,
      });
      await this.audit.record(tx, {
        model: name,
        action: 'model.updated',
        actor,
        subject: name,
        before: toModelResponse(before),
        after: toModelResponse(row),
      });
      return row;
    }, TX_OPTIONS);
  }

  /** Deletes the model with its versions (and their artifact references); returns the model's id. */
  async delete(name: string, actor: string): Promise<string> {
    const deleted = await this.prisma.$transaction(async (tx) => {
      const id = await lockModel(tx, name);
      const production = await tx.modelVersion.findFirst({ where: { modelId: id, stage: 'production' } });
      if (production) {
        throw new Conflict(`model '${name}' has version ${production.version} in production; archive or roll it back first`, {
          productionVersion: production.version,
        });
      }
      const row = await tx.registeredModel.delete({ where: { id }, include: WITH_TEAM });
      const versions = await tx.modelVersion.count({ where: { modelId: id } });
      await this.audit.record(tx, {
        model: name,
        action: 'model.deleted',
        actor,
        subject: name,
        before: { ...toModelResponse(row), versions },
      });
      return id;
    }, TX_OPTIONS);
    // Its team row went with it: a model made again under this name must not inherit the old team.
    await this.teamChanges.announce(`model ${name} deleted`);
    return deleted;
  }
}
