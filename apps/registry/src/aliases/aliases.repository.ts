import { Inject, Injectable } from '@nestjs/common';
import type { ModelAlias } from '@modelyard/db';
import { Conflict, Forbidden, NotFound, PrismaService } from '@modelyard/platform';
import { ErrorCode, type SetAliasBody } from '@modelyard/types';
import { AuditRepository } from '../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../models/model-lock.js';
import { VersionsRepository } from '../versions/versions.repository.js';

const HISTORY_LIMIT = 50;

/** Compare-and-set: `expected` undefined = unconditional; null = the alias must not exist yet. */
function checkExpected(alias: string, current: ModelAlias | null, expected: string | null | undefined) {
  if (expected === undefined) return;
  const actual = current?.version ?? null;
  if (actual !== expected) {
    throw new Conflict(
      `alias '${alias}' points at ${actual ?? 'nothing'}, not ${expected ?? 'nothing'}`,
      { currentVersion: actual, expectedVersion: expected },
      ErrorCode.preconditionFailed,
    );
  }
}

@Injectable()
export class AliasesRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
  ) {}

  async list(name: string) {
    const modelId = await this.versions.modelId(name);
    return this.prisma.modelAlias.findMany({ where: { modelId }, orderBy: { alias: 'asc' } });
  }

  async get(name: string, alias: string) {
    const modelId = await this.versions.modelId(name);
    const row = await this.prisma.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } } });
    if (!row) throw new NotFound('alias', `${name}@${alias}`);
    const history = await this.prisma.aliasHistory.findMany({
      where: { modelId, alias },
      orderBy: { at: 'desc' },
      take: HISTORY_LIMIT,
    });
    return { row, history };
  }

  set(name: string, alias: string, body: SetAliasBody, actor: string, isAdmin: boolean) {
    return this.prisma.$transaction(async (tx) => {
      const modelId = await lockModel(tx, name);
      const current = await tx.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } } });
      checkExpected(alias, current, body.expectedVersion);
      if ((current?.protected || body.protected) && !isAdmin) throw new Forbidden('admin');
      await this.versions.get(name, body.version, tx);
      const isProtected = body.protected ?? current?.protected ?? false;
      const row = await tx.modelAlias.upsert({
        where: { modelId_alias: { modelId, alias } },
        create: { modelId, alias, version: body.version, protected: isProtected, updatedBy: actor },
        update: { version: body.version, protected: isProtected, updatedBy: actor },
      });
      await tx.aliasHistory.create({ data: { modelId, alias, fromVersion: current?.version ?? null, toVersion: body.version, actor } });
      await this.audit.record(tx, {
        model: name,
        action: 'alias.set',
        actor,
        subject: `${name}@${alias}`,
        before: current && { version: current.version, protected: current.protected },
        after: { version: row.version, protected: row.protected },
        reason: body.reason ?? null,
      });
      return { row, created: !current };
    }, TX_OPTIONS);
  }

  delete(name: string, alias: string, expectedVersion: string | undefined, actor: string, isAdmin: boolean) {
    return this.prisma.$transaction(async (tx) => {
      const modelId = await lockModel(tx, name);
      const current = await tx.modelAlias.findUnique({ where: { modelId_alias: { modelId, alias } } });
      if (!current) throw new NotFound('alias', `${name}@${alias}`);
      checkExpected(alias, current, expectedVersion);
      if (current.protected && !isAdmin) throw new Forbidden('admin');
      await tx.modelAlias.delete({ where: { modelId_alias: { modelId, alias } } });
      await tx.aliasHistory.create({ data: { modelId, alias, fromVersion: current.version, toVersion: null, actor } });
      await this.audit.record(tx, {
        model: name,
        action: 'alias.deleted',
        actor,
        subject: `${name}@${alias}`,
        before: { version: current.version, protected: current.protected },
      });
    }, TX_OPTIONS);
  }
}
