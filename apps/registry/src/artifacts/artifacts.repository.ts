import { Inject, Injectable } from '@nestjs/common';
import type { Artifact, ArtifactBlob, ModelVersion } from '@modelyard/db';
import { Conflict, NotFound, PrismaService } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';
import { AuditRepository, type Tx } from '../audit/audit.repository.js';
import { lockModel } from '../models/model-lock.js';
import { VersionsRepository } from '../versions/versions.repository.js';

/** Long enough for a server-side S3 copy of a large blob, which happens under the model lock. */
const SAVE_TX = { maxWait: 15_000, timeout: 300_000 } as const;

export interface NewArtifact {
  name: string;
  version: string;
  path: string;
  sha256: string;
  size: number;
  contentType: string;
  actor: string;
}

/** Artifacts may change only while their version is a draft. */
export function assertDraft(version: Pick<ModelVersion, 'stage' | 'version'>) {
  if (version.stage !== 'draft') {
    throw new Conflict(
      `version ${version.version} is '${version.stage}'; artifacts can change only while a version is a draft`,
      { stage: version.stage },
      ErrorCode.artifactsImmutable,
    );
  }
}

@Injectable()
export class ArtifactsRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
  ) {}

  version(name: string, version: string) {
    return this.versions.get(name, version);
  }

  manifest(versionId: string): Promise<Artifact[]> {
    return this.prisma.artifact.findMany({ where: { versionId }, orderBy: { path: 'asc' } });
  }

  async find(name: string, version: string, path: string): Promise<{ version: ModelVersion; artifact: Artifact }> {
    const row = await this.versions.get(name, version);
    const artifact = await this.prisma.artifact.findUnique({ where: { versionId_path: { versionId: row.id, path } } });
    if (!artifact) throw new NotFound('artifact', `${name}@${version}:${path}`);
    return { version: row, artifact };
  }

  /**
   * Records an uploaded file. The blob row is locked while `place` decides whether the uploaded
   * bytes become the stored object (new or damaged blob) or are dropped (identical content is
   * already stored), so garbage collection can never delete a blob between that decision and the
   * new reference. The version is re-checked under the model lock: it may have left draft mid-upload.
   */
  save(input: NewArtifact, place: (existing: ArtifactBlob | null) => Promise<boolean>) {
    return this.prisma.$transaction(async (tx) => {
      await lockModel(tx, input.name);
      const version = await this.versions.get(input.name, input.version, tx);
      assertDraft(version);
      const inserted = await tx.$queryRaw<{ sha256: string }[]>`
        INSERT INTO registry_artifact_blobs (sha256, size) VALUES (${input.sha256}, ${BigInt(input.size)})
        ON CONFLICT (sha256) DO NOTHING RETURNING sha256`;
      const existing = inserted.length
        ? null
        : (await tx.$queryRaw<ArtifactBlob[]>`SELECT * FROM registry_artifact_blobs WHERE sha256 = ${input.sha256} FOR UPDATE`)[0]!;
      const deduplicated = await place(existing);
      if (existing?.corruptedAt && !deduplicated) {
        await tx.artifactBlob.update({ where: { sha256: input.sha256 }, data: { corruptedAt: null, verifiedAt: new Date() } });
      }
      const where = { versionId_path: { versionId: version.id, path: input.path } };
      const previous = await tx.artifact.findUnique({ where });
      const data = {
        sha256: input.sha256,
        size: BigInt(input.size),
        contentType: input.contentType,
        uploadedBy: input.actor,
        uploadedAt: new Date(),
      };
      const artifact = await tx.artifact.upsert({ where, create: { versionId: version.id, path: input.path, ...data }, update: data });
      await this.audit.record(tx, {
        model: input.name,
        action: 'artifact.uploaded',
        actor: input.actor,
        subject: `${input.name}@${input.version}:${input.path}`,
        before: previous && { path: previous.path, sha256: previous.sha256, size: Number(previous.size) },
        after: { path: input.path, sha256: input.sha256, size: input.size, contentType: input.contentType },
      });
      return { artifact, deduplicated, replaced: previous && previous.sha256 !== input.sha256 ? previous.sha256 : null };
    }, SAVE_TX);
  }

  /** A blob failed a check: flag it, and every version that uses it. */
  async markFailed(sha256: string) {
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.artifactBlob.updateMany({ where: { sha256 }, data: { corruptedAt: now } }),
      this.prisma.modelVersion.updateMany({ where: { artifacts: { some: { sha256 } } }, data: { integrityFailedAt: now } }),
    ]);
  }

  /** Outcome of `verify`: intact blobs are cleared, damaged ones flagged; the version flag follows. */
  async recordVerification(versionId: string, intact: string[], damaged: string[]) {
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.artifactBlob.updateMany({ where: { sha256: { in: intact } }, data: { corruptedAt: null, verifiedAt: now } }),
      this.prisma.artifactBlob.updateMany({ where: { sha256: { in: damaged } }, data: { corruptedAt: now, verifiedAt: now } }),
      this.prisma.modelVersion.update({ where: { id: versionId }, data: { integrityFailedAt: damaged.length ? now : null } }),
    ]);
  }

  /** Retention: the archived versions give up their artifacts, in the caller's transaction. */
  async release(tx: Tx, versionIds: string[], at: Date) {
    await tx.artifact.deleteMany({ where: { versionId: { in: versionIds } } });
    await tx.modelVersion.updateMany({ where: { id: { in: versionIds } }, data: { artifactsReleasedAt: at } });
  }

  async unreferencedBlobs(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ sha256: string }[]>`
      SELECT b.sha256 FROM registry_artifact_blobs b
      WHERE NOT EXISTS (SELECT 1 FROM registry_artifacts a WHERE a.sha256 = b.sha256)
        AND NOT EXISTS (SELECT 1 FROM registry_tracking_run_artifacts t WHERE t.sha256 = b.sha256)
      ORDER BY b."createdAt" LIMIT ${limit}`;
    return rows.map((r) => r.sha256);
  }

  /**
   * Deletes a blob if nothing references it, holding its row lock (which an upload of the same
   * content takes too) while the object is deleted. Returns whether it was deleted. The foreign
   * key from artifacts is RESTRICT, so the database itself refuses to drop a referenced blob.
   */
  collect(sha256: string, deleteObject: () => Promise<void>): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<
        { sha256: string }[]
      >`SELECT sha256 FROM registry_artifact_blobs WHERE sha256 = ${sha256} FOR UPDATE`;
      if (!locked.length) return false;
      if (await tx.artifact.findFirst({ where: { sha256 }, select: { id: true } })) return false;
      // Training runs' files share the blobs (their foreign key is RESTRICT as well).
      if (await tx.trackingRunArtifact.findFirst({ where: { sha256 }, select: { path: true } })) return false;
      await deleteObject();
      await tx.artifactBlob.delete({ where: { sha256 } });
      return true;
    }, SAVE_TX);
  }
}
