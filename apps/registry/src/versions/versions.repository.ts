import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type ModelVersion } from '@modelyard/db';
import {
  AlreadyExists,
  decodeCursor,
  keysetAfter,
  keysetSelect,
  NotFound,
  parseUuidCursor,
  PrismaService,
  ValidationFailed,
  type OrderColumn,
} from '@modelyard/platform';
import type { CreateVersionBody, ListVersionsQuery } from '@modelyard/types';
import { AuditRepository, type Tx } from '../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../models/model-lock.js';
import { nextVersion, ofScheme, versionParts } from './version-names.js';
import { runUuid } from '../tracking/run-ids.js';
import { toPoint } from '../tracking/tracking.mapper.js';
import { toVersionResponse } from './versions.mapper.js';

/** What MLflow's model-versions/create adds to a version: its source, run link, key/value tags, files. */
export interface MlflowOrigin {
  source: string;
  runLink: string | null;
  keyTags: { key: string; value: string }[];
  /** The run's files under this path become the version's artifacts (same blobs, no copy). */
  runFiles: { runId: string; path: string } | null;
}

const jsonOrNull = (value: unknown) => (value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue));

/** Newest first: by version numbers, then creation (pre-releases of one version by creation). */
export const VERSION_ORDER: OrderColumn[] = [
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

/** By extension, the media types serving and downloads care about; anything else is octet-stream. */
const MEDIA_TYPES = new Map([
  ['json', 'application/json'],
  ['yaml', 'application/yaml'],
  ['yml', 'application/yaml'],
  ['txt', 'text/plain'],
  ['onnx', 'application/octet-stream'],
]);
const mediaType = (path: string) => MEDIA_TYPES.get(path.split('.').pop()?.toLowerCase() ?? '') ?? 'application/octet-stream';

/**
 * A run's files under `path` become the new version's artifacts, relative to that path (so a
 * `log_model` directory's `model.onnx` is the version's `model.onnx`). Content-addressed storage
 * makes this a reference to the same blobs; their rows are share-locked so garbage collection,
 * which takes them for update, cannot drop one mid-way.
 */
async function linkRunFiles(tx: Tx, versionId: string, from: { runId: string; path: string }, actor: string): Promise<number> {
  const under = from.path ? `${from.path}/` : '';
  let files = await tx.trackingRunArtifact.findMany({
    where: { runId: from.runId, ...(under ? { path: { startsWith: under } } : {}) },
  });
  // A source naming one file (`runs:/<run>/model.onnx`) takes that file, under its own name.
  let prefix = under;
  if (!files.length && from.path) {
    files = await tx.trackingRunArtifact.findMany({ where: { runId: from.runId, path: from.path } });
    prefix = from.path.slice(0, from.path.lastIndexOf('/') + 1);
  }
  if (!files.length) {
    throw new ValidationFailed([{ field: 'source', in: 'body', message: `the run has no artifacts under '${from.path}'` }]);
  }
  const digests = [...new Set(files.map((f) => f.sha256))];
  await tx.$queryRaw`SELECT sha256 FROM registry_artifact_blobs WHERE sha256 = ANY(${digests}) FOR SHARE`;
  const uploadedAt = new Date();
  await tx.artifact.createMany({
    data: files.map((f) => {
      const path = f.path.slice(prefix.length);
      return { versionId, path, sha256: f.sha256, size: f.size, contentType: mediaType(path), uploadedBy: actor, uploadedAt };
    }),
  });
  return files.length;
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

  create(name: string, body: CreateVersionBody, actor: string, origin?: MlflowOrigin): Promise<ModelVersion> {
    return this.prisma.$transaction(async (tx) => {
      // The model lock makes auto-bump safe: two concurrent creates get two different numbers.
      const modelId = await lockModel(tx, name);
      const { versioning } = await tx.registeredModel.findUniqueOrThrow({ where: { id: modelId }, select: { versioning: true } });
      if (body.version !== undefined && !ofScheme(body.version, versioning)) {
        const expected = versioning === 'timestamp' ? 'a timestamp version such as 20261202.061500' : 'a semantic version such as 1.4.0';
        throw new ValidationFailed([
          { field: 'version', in: 'body', message: `model ${name} uses ${versioning} versions: give ${expected}, or none` },
        ]);
      }
      const existing = (await tx.modelVersion.findMany({ where: { modelId }, select: { version: true } })).map((v) => v.version);
      // A bump names a semver step; a timestamp model's next version is the time, whatever the bump.
      const version = body.version ?? nextVersion(existing, versioning, body.bump ?? 'patch', new Date());
      if (existing.includes(version)) throw new AlreadyExists('version', `${name}@${version}`);
      const parent = body.lineage?.parentVersion;
      if (parent && !existing.includes(parent)) {
        throw new ValidationFailed([{ field: 'lineage.parentVersion', in: 'body', message: `version ${parent} does not exist` }]);
      }
      const runId = await lineageRun(tx, body.lineage?.runId);
      // `number` (MLflow's integer version) is left to the database: the next of the model's sequence.
      const row = await tx.modelVersion.create({
        data: {
          modelId,
          version,
          ...versionParts(version),
          ...(origin ? { source: origin.source, runLink: origin.runLink, keyTags: origin.keyTags } : {}),
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
      const files = origin?.runFiles ? await linkRunFiles(tx, row.id, origin.runFiles, actor) : 0;
      await this.audit.record(tx, {
        model: name,
        action: 'version.created',
        actor,
        subject: `${name}@${version}`,
        after: { ...toVersionResponse(name, row), ...(origin ? { source: origin.source, artifactsFromRun: files } : {}) },
      });
      return row;
    }, TX_OPTIONS);
  }

  /** The versions after the cursor version in VERSION_ORDER (see keysetAfter). */
  private async after(id: string): Promise<Prisma.ModelVersionWhereInput> {
    const row = await this.prisma.modelVersion.findUnique({ where: { id }, select: keysetSelect(VERSION_ORDER) });
    return keysetAfter<Prisma.ModelVersionWhereInput>(VERSION_ORDER, row);
  }

  async list(name: string, query: ListVersionsQuery) {
    const modelId = await this.modelId(name);
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    return this.prisma.modelVersion.findMany({
      where: {
        modelId,
        ...(query.stage ? { stage: query.stage } : {}),
        ...(query.tag ? { tags: { has: query.tag } } : {}),
        ...(cursor ? await this.after(cursor) : {}),
      },
      orderBy: VERSION_ORDER,
      take: query.limit + 1,
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
