import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { ArtifactBlob, TrackingRunArtifact } from '@modelyard/db';
import { DomainError, NotFound, PrismaService } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';
import type { ArtifactsConfig } from '../config.js';
import { ARTIFACTS_CONFIG } from '../artifacts/artifacts.tokens.js';
import { HashMeter, VerifyingStream } from '../artifacts/integrity.js';
import { ARTIFACT_STORAGE, BlobMissing, type ArtifactStorage } from '../artifacts/storage/artifact-storage.js';
import { TX_OPTIONS } from '../models/model-lock.js';
import { RunsRepository } from './runs.repository.js';

export interface RunFile {
  path: string;
  size: number;
  sha256: string;
  uploadedAt: Date;
}

/**
 * A run's files, stored like version artifacts: streamed through a SHA-256 meter into a temporary
 * object, committed under their digest (one copy per content), verified on the way out.
 */
@Injectable()
export class RunArtifactsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(RunsRepository) private readonly runs: RunsRepository,
    @Inject(ARTIFACT_STORAGE) private readonly storage: ArtifactStorage,
    @Inject(ARTIFACTS_CONFIG) private readonly config: ArtifactsConfig,
  ) {}

  async upload(runId: string, path: string, body: IncomingMessage, actor: string): Promise<RunFile> {
    const run = await this.runs.active(runId);
    const meter = new HashMeter(this.config.maxBytes);
    body.on('error', (err) => meter.destroy(err));
    let temp: string;
    try {
      temp = await this.storage.writeTemp(body.pipe(meter));
    } catch (err) {
      if (meter.tooLarge) {
        throw new DomainError(
          413,
          ErrorCode.payloadTooLarge,
          'Payload too large',
          `artifacts are limited to ${this.config.maxBytes} bytes`,
        );
      }
      throw new DomainError(400, ErrorCode.malformedBody, 'Upload interrupted', `the body could not be read to its end: ${String(err)}`);
    }
    let placed = false;
    try {
      const sha256 = meter.digest();
      const size = meter.bytes;
      // The blob row is locked while deciding to keep or drop the upload, as version uploads do,
      // so garbage collection cannot remove the blob between that decision and the reference.
      const row = await this.prisma.$transaction(async (tx) => {
        const inserted = await tx.$queryRaw<{ sha256: string }[]>`
          INSERT INTO registry_artifact_blobs (sha256, size) VALUES (${sha256}, ${BigInt(size)})
          ON CONFLICT (sha256) DO NOTHING RETURNING sha256`;
        const existing = inserted.length
          ? null
          : (await tx.$queryRaw<ArtifactBlob[]>`SELECT * FROM registry_artifact_blobs WHERE sha256 = ${sha256} FOR UPDATE`)[0]!;
        const intact = existing && !existing.corruptedAt && (await this.storage.size(sha256)) === size;
        if (intact) await this.storage.discard(temp);
        else await this.storage.commit(temp, sha256, size);
        placed = true;
        if (existing?.corruptedAt && !intact) {
          await tx.artifactBlob.update({ where: { sha256 }, data: { corruptedAt: null, verifiedAt: new Date() } });
        }
        const data = { sha256, size: BigInt(size), uploadedBy: actor, uploadedAt: new Date() };
        return tx.trackingRunArtifact.upsert({
          where: { runId_path: { runId: run.id, path } },
          create: { runId: run.id, path, ...data },
          update: data,
        });
      }, TX_OPTIONS);
      return toRunFile(row);
    } finally {
      if (!placed) await this.storage.discard(temp).catch(() => undefined);
    }
  }

  async list(runId: string): Promise<RunFile[]> {
    const run = await this.runs.get(runId);
    const rows = await this.prisma.trackingRunArtifact.findMany({ where: { runId: run.id }, orderBy: { path: 'asc' } });
    return rows.map(toRunFile);
  }

  /** The file's bytes, verified against its SHA-256 while streaming (the stream fails before its end otherwise). */
  async open(runId: string, path: string): Promise<{ file: RunFile; body: Readable }> {
    const run = await this.runs.get(runId);
    const row = await this.prisma.trackingRunArtifact.findUnique({ where: { runId_path: { runId: run.id, path } } });
    if (!row) throw new NotFound('artifact', `${runId}:${path}`);
    let source: Readable;
    try {
      source = await this.storage.read(row.sha256);
    } catch (err) {
      if (!(err instanceof BlobMissing)) throw err;
      throw new DomainError(500, ErrorCode.artifactIntegrity, 'Artifact integrity check failed', `${path}: the stored blob is missing`);
    }
    const size = Number(row.size);
    const body = pipeline(source, new VerifyingStream({ sha256: row.sha256, size }, { start: 0, end: size - 1 }), () => undefined);
    return { file: toRunFile(row), body };
  }
}

function toRunFile(row: TrackingRunArtifact): RunFile {
  return { path: row.path, size: Number(row.size), sha256: row.sha256, uploadedAt: row.uploadedAt };
}
