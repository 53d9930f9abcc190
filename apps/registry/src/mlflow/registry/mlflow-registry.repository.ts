import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type ModelVersion } from '@modelyard/db';
import { AlreadyExists, Conflict, NotFound, PrismaService, TeamChanges, modelNameWhere, type ModelFilter } from '@modelyard/platform';
import { AuditRepository, type Tx } from '../../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../../models/model-lock.js';
import { toModelResponse } from '../../models/models.mapper.js';
import { toVersionResponse } from '../../versions/versions.mapper.js';
import type { NameMatch, VersionFilter } from './registry-filter.js';

export type KeyTag = { key: string; value: string };
export type ModelRow = Prisma.RegisteredModelGetPayload<{ include: { aliases: true } }>;
export type VersionRow = ModelVersion & { model: { name: string } };

/** The key/value tags column, parsed once here: a JSON array of {key, value}. */
export function keyTags(value: Prisma.JsonValue): KeyTag[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((t) =>
    t && typeof t === 'object' && !Array.isArray(t) && typeof t['key'] === 'string' && typeof t['value'] === 'string'
      ? [{ key: t['key'], value: t['value'] }]
      : [],
  );
}

function withTag(tags: KeyTag[], tag: KeyTag): KeyTag[] {
  return [...tags.filter((t) => t.key !== tag.key), tag].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface Ordering {
  field: 'name' | 'createdAt' | 'updatedAt' | 'number';
  direction: 'asc' | 'desc';
}

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

/**
 * What only MLflow's registry API changes or asks for: integer version numbers, key/value tags,
 * renames, version deletion and its searches. Every change takes the model lock and is audited in
 * its transaction, as the other registry writes are.
 */
@Injectable()
export class MlflowRegistryRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(TeamChanges) private readonly teamChanges: TeamChanges,
  ) {}

  async model(name: string): Promise<ModelRow> {
    const row = await this.prisma.registeredModel.findUnique({ where: { name }, include: { aliases: true } });
    if (!row) throw new NotFound('model', name);
    return row;
  }

  /** Every version of these models (for latest_versions). */
  versionsOf(modelIds: string[]): Promise<VersionRow[]> {
    return this.prisma.modelVersion.findMany({ where: { modelId: { in: modelIds } }, include: { model: { select: { name: true } } } });
  }

  async version(name: string, number: number, db: Tx | PrismaService = this.prisma): Promise<VersionRow> {
    const row = await db.modelVersion.findFirst({ where: { model: { name }, number }, include: { model: { select: { name: true } } } });
    if (row) return row;
    if (!(await db.registeredModel.findUnique({ where: { name }, select: { id: true } }))) throw new NotFound('model', name);
    throw new NotFound('version', `${name} version ${number}`);
  }

  versionById(id: string): Promise<VersionRow> {
    return this.prisma.modelVersion.findUniqueOrThrow({ where: { id }, include: { model: { select: { name: true } } } });
  }

  /** Aliases of one model, for the versions shown. */
  async aliasesOf(modelIds: string[]) {
    return this.prisma.modelAlias.findMany({ where: { modelId: { in: modelIds } }, orderBy: { alias: 'asc' } });
  }

  /** `readable`: the models the caller may read. */
  searchModels(name: NameMatch | undefined, readable: ModelFilter, order: Ordering[], offset: number, take: number): Promise<ModelRow[]> {
    const visible = modelNameWhere(readable);
    return this.prisma.registeredModel.findMany({
      where: { AND: [name ? { name } : {}, visible ? { name: visible } : {}] },
      include: { aliases: true },
      orderBy: [...order.map((o) => ({ [o.field]: o.direction })), { name: 'asc' }],
      skip: offset,
      take,
    });
  }

  /** `readable`: the models whose versions the caller may read. */
  searchVersions(
    filter: VersionFilter,
    readable: ModelFilter,
    runUuids: string[] | undefined,
    order: Ordering[],
    offset: number,
    take: number,
  ) {
    const visible = modelNameWhere(readable);
    const where: Prisma.ModelVersionWhereInput = {
      ...(filter.name ? { model: { name: filter.name } } : {}),
      ...(runUuids ? { runId: { in: runUuids } } : {}),
      ...(filter.source !== undefined ? { source: filter.source } : {}),
      ...(filter.tags.length ? { AND: filter.tags.map((t) => ({ keyTags: { array_contains: [t] } })) } : {}),
    };
    const orderBy = order.map((o) => (o.field === 'name' ? { model: { name: o.direction } } : { [o.field]: o.direction }));
    return this.prisma.modelVersion.findMany({
      where: visible ? { AND: [where, { model: { name: visible } }] } : where,
      include: { model: { select: { name: true } } },
      orderBy: [...orderBy, { model: { name: 'asc' } }, { number: 'desc' }],
      skip: offset,
      take,
    });
  }

  async rename(name: string, newName: string, actor: string) {
    await this.write(name, async (tx, id) => {
      const before = await tx.registeredModel.findUniqueOrThrow({ where: { id } });
      let row;
      try {
        row = await tx.registeredModel.update({ where: { id }, data: { name: newName } });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AlreadyExists('model', newName);
        throw err;
      }
      const entry = { actor, subject: newName, before: toModelResponse(before), after: toModelResponse(row) };
      await this.audit.record(tx, { model: newName, action: 'model.renamed', ...entry });
    });
    // The model's team follows it to its new name (a cascade): team checks must see that at once.
    await this.teamChanges.announce(`model ${name} renamed`);
  }

  setModelTag(name: string, tag: KeyTag, actor: string) {
    return this.write(name, async (tx, id) => {
      const row = await tx.registeredModel.findUniqueOrThrow({ where: { id } });
      const before = keyTags(row.keyTags);
      await tx.registeredModel.update({ where: { id }, data: { keyTags: withTag(before, tag) } });
      await this.audit.record(tx, {
        model: name,
        action: 'model.tag_set',
        actor,
        subject: name,
        before: before.find((t) => t.key === tag.key),
        after: tag,
      });
    });
  }

  deleteModelTag(name: string, key: string, actor: string) {
    return this.write(name, async (tx, id) => {
      const before = keyTags((await tx.registeredModel.findUniqueOrThrow({ where: { id } })).keyTags);
      const found = before.find((t) => t.key === key);
      if (!found) throw new NotFound('tag', `${name}:${key}`);
      await tx.registeredModel.update({ where: { id }, data: { keyTags: before.filter((t) => t.key !== key) } });
      await this.audit.record(tx, { model: name, action: 'model.tag_deleted', actor, subject: name, before: found });
    });
  }

  setVersionTag(name: string, number: number, tag: KeyTag, actor: string) {
    return this.write(name, async (tx) => {
      const row = await this.version(name, number, tx);
      const before = keyTags(row.keyTags);
      await tx.modelVersion.update({ where: { id: row.id }, data: { keyTags: withTag(before, tag) } });
      const subject = `${name}@${row.version}`;
      await this.audit.record(tx, {
        model: name,
        action: 'version.tag_set',
        actor,
        subject,
        before: before.find((t) => t.key === tag.key),
        after: tag,
      });
    });
  }

  deleteVersionTag(name: string, number: number, key: string, actor: string) {
    return this.write(name, async (tx) => {
      const row = await this.version(name, number, tx);
      const before = keyTags(row.keyTags);
      const found = before.find((t) => t.key === key);
      if (!found) throw new NotFound('tag', `${name} version ${number}:${key}`);
      await tx.modelVersion.update({ where: { id: row.id }, data: { keyTags: before.filter((t) => t.key !== key) } });
      await this.audit.record(tx, { model: name, action: 'version.tag_deleted', actor, subject: `${name}@${row.version}`, before: found });
    });
  }

  describeVersion(name: string, number: number, description: string | undefined, actor: string) {
    return this.write(name, async (tx) => {
      const row = await this.version(name, number, tx);
      if (description === undefined) return;
      const updated = await tx.modelVersion.update({ where: { id: row.id }, data: { description } });
      await this.audit.record(tx, {
        model: name,
        action: 'version.updated',
        actor,
        subject: `${name}@${row.version}`,
        before: { description: row.description },
        after: { description: updated.description },
      });
    });
  }

  /**
   * Deletes a version with its artifact references and the aliases that point at it (as MLflow
   * does); a production version is refused, as deleting its model is. Returns the version's id.
   */
  deleteVersion(name: string, number: number, actor: string): Promise<string> {
    return this.write(name, async (tx, modelId) => {
      const row = await this.version(name, number, tx);
      if (row.stage === 'production') {
        throw new Conflict(`${name} version ${number} (${row.version}) is in production; archive it or promote another first`);
      }
      const aliases = await tx.modelAlias.findMany({ where: { modelId, version: row.version } });
      for (const alias of aliases) {
        await tx.modelAlias.delete({ where: { modelId_alias: { modelId, alias: alias.alias } } });
        await tx.aliasHistory.create({ data: { modelId, alias: alias.alias, fromVersion: row.version, toVersion: null, actor } });
        await this.audit.record(tx, {
          model: name,
          action: 'alias.deleted',
          actor,
          subject: `${name}@${alias.alias}`,
          before: { version: alias.version, protected: alias.protected },
          reason: `version ${row.version} deleted`,
        });
      }
      await tx.modelVersion.delete({ where: { id: row.id } });
      const before = toVersionResponse(name, row);
      await this.audit.record(tx, { model: name, action: 'version.deleted', actor, subject: `${name}@${row.version}`, before });
      return row.id;
    });
  }

  private write<T>(name: string, work: (tx: Tx, modelId: string) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => work(tx, await lockModel(tx, name)), TX_OPTIONS);
  }
}
