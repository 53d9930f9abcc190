import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type ModelVersion } from '@modelyard/db';
import { AlreadyExists, decodeCursor, NotFound, parseUuidCursor, PrismaService, ValidationFailed } from '@modelyard/platform';
import type { CreateVersionBody, ListVersionsQuery } from '@modelyard/types';
import { AuditRepository, type Tx } from '../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../models/model-lock.js';
import { nextVersion, semverParts } from './semver.js';
import { runUuid } from '../tracking/run-ids.js';
import { toPoint } from '../tracking/tracking.mapper.js';
import { toVersionResponse } from './versions.mapper.js';

const jsonOrNull = (value: unknown) => (value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue));

/** Newest first: by version numbers, then creation (pre-releases of one version by creation). */
export const VERSION_ORDER: Prisma.ModelVersionOrderByWithRelationInput[] = [
  { major: 'desc' },
  { minor: 'desc' },
  { patch: 'desc' },
  { createdAt: 'desc' },
  { id: 'desc' },
];

/** The stored id of the lineage run; a run that does not exist is the request's fault (400). */
async function lineageRun(tx: Tx, runId: string | undefined): Promise<string | null> {
  if (runId === undefined) return null;
  const run = await tx.trackingRun.findUnique({ where: { id: runUuid(runId) }, select: { id: true } });
  if (!run) throw new ValidationFailed([{ field: 'lineage.runId', in: 'body', message: `run ${runId} does not exist` }]);
  return run.id;
}

@Injectable()
export class VersionsRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async modelId(name: string): Promise<string> {
    const model = await this.prisma.registeredModel.findUnique({ where: { name }, select: { id: true } });
    if (!model) throw new NotFound('model', name);
    return model.id;
  }

  create(name: string, body: CreateVersionBody, actor: string): Promise<ModelVersion> {
    return this.prisma.$transaction(async (tx) => {
      // The model lock makes auto-bump safe: two concurrent creates get two different numbers.
      const modelId = await lockModel(tx, name);
      const existing = (await tx.modelVersion.findMany({ where: { modelId }, select: { version: true } })).map((v) => v.version);
      const version = body.version ?? nextVersion(existing, body.bump ?? 'patch');
      if (existing.includes(version)) throw new AlreadyExists('version', `${name}@${version}`);
      const parent = body.lineage?.parentVersion;
      if (parent && !existing.includes(parent)) {
        throw new ValidationFailed([{ field: 'lineage.parentVersion', in: 'body', message: `version ${parent} does not exist` }]);
      }
      const runId = await lineageRun(tx, body.lineage?.runId);
      const row = await tx.modelVersion.create({
        data: {
          modelId,
          version,
          ...semverParts(version),
          description: body.description ?? null,
          tags: body.tags ?? [],
          metrics: body.metrics ?? {},
          params: (body.params ?? {}) as Prisma.InputJsonValue,
          config: (body.config ?? {}) as Prisma.InputJsonValue,
          trainingInfo: (body.trainingInfo ?? {}) as Prisma.InputJsonValue,
          inputSchema: jsonOrNull(body.inputSchema),
          outputSchema: jsonOrNull(body.outputSchema),
          parentVersion: parent ?? null,
          pipelineId: body.lineage?.pipelineId ?? null,
          experimentKey: body.lineage?.experimentKey ?? null,
          dataset: body.lineage?.dataset ?? null,
          runId,
          createdBy: actor,
        },
      });
      await this.audit.record(tx, {
        model: name,
        action: 'version.created',
        actor,
        subject: `${name}@${version}`,
        after: toVersionResponse(name, row),
      });
      return row;
    }, TX_OPTIONS);
  }

  async list(name: string, query: ListVersionsQuery) {
    const modelId = await this.modelId(name);
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    return this.prisma.modelVersion.findMany({
      where: { modelId, ...(query.stage ? { stage: query.stage } : {}), ...(query.tag ? { tags: { has: query.tag } } : {}) },
      orderBy: VERSION_ORDER,
      take: query.limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }

  async get(name: string, version: string, db: Tx | PrismaService = this.prisma): Promise<ModelVersion> {
    const row = await db.modelVersion.findFirst({ where: { model: { name }, version } });
    if (!row) {
      await this.modelId(name);
      throw new NotFound('version', `${name}@${version}`);
    }
    return row;
  }

  async production(name: string): Promise<ModelVersion | null> {
    const modelId = await this.modelId(name);
    return this.prisma.modelVersion.findFirst({ where: { modelId, stage: 'production' } });
  }

  /** What a version shows of its lineage run: name, status, params and latest metrics. */
  async run(runId: string) {
    const run = await this.prisma.trackingRun.findUnique({ where: { id: runUuid(runId) }, include: { params: true, latest: true } });
    if (!run) return null;
    return {
      name: run.name,
      status: run.status,
      params: run.params.map((p) => ({ key: p.key, value: p.value })).sort((a, b) => (a.key < b.key ? -1 : 1)),
      metrics: run.latest.map(toPoint).sort((a, b) => (a.key < b.key ? -1 : 1)),
    };
  }

  async many(name: string, versions: string[]): Promise<ModelVersion[]> {
    const modelId = await this.modelId(name);
    const rows = await this.prisma.modelVersion.findMany({ where: { modelId, version: { in: versions } } });
    const missing = versions.filter((v) => !rows.some((r) => r.version === v));
    if (missing.length) throw new NotFound('version', `${name}@${missing.join(', ')}`);
    return versions.map((v) => rows.find((r) => r.version === v)!);
  }
}
