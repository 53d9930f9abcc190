import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Artifact } from '@modelyard/db';
import { DomainError } from '@modelyard/platform';
import { ErrorCode, type ArtifactParams, type BlobCheck, type VerifyResponse } from '@modelyard/types';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ArtifactsConfig } from '../config.js';
import { RegistryMetrics } from '../registry.metrics.js';
import { artifactHeaders } from './artifacts.mapper.js';
import { ArtifactsRepository } from './artifacts.repository.js';
import { ARTIFACTS_CONFIG } from './artifacts.tokens.js';
import { digestStream, IntegrityError, VerifyingStream } from './integrity.js';
import { parseRange, type ByteRange } from './range.js';
import { ARTIFACT_STORAGE, BlobMissing, type ArtifactStorage } from './storage/artifact-storage.js';

export interface Download {
  status: 200 | 206 | 304;
  headers: Record<string, string>;
  body: Buffer | Readable | null;
}

class IntegrityFailed extends DomainError {
  constructor(subject: string, reason: string) {
    super(500, ErrorCode.artifactIntegrity, 'Artifact integrity check failed', `${subject}: ${reason}; the version is flagged, run verify`);
  }
}

@Injectable()
export class DownloadsService {
  private readonly logger = new Logger(DownloadsService.name);

  constructor(
    @Inject(ArtifactsRepository) private readonly repository: ArtifactsRepository,
    @Inject(ARTIFACT_STORAGE) private readonly storage: ArtifactStorage,
    @Inject(ARTIFACTS_CONFIG) private readonly config: ArtifactsConfig,
    @Inject(RegistryMetrics) private readonly metrics: RegistryMetrics,
  ) {}

  async head(p: ArtifactParams) {
    const { artifact } = await this.repository.find(p.name, p.version, p.path);
    return { ...artifactHeaders(artifact), 'content-length': String(artifact.size) };
  }

  /**
   * The artifact's bytes, verified against the SHA-256 recorded at upload. Small files are read
   * and checked before anything is sent; larger ones stream through VerifyingStream, which fails
   * the response before its last chunk if the bytes are wrong. Either way the failure is logged,
   * counted and flagged on the versions using the blob.
   */
  async open(p: ArtifactParams, rangeHeader: string | undefined, ifNoneMatch: string | undefined): Promise<Download> {
    const { artifact } = await this.repository.find(p.name, p.version, p.path);
    const headers = artifactHeaders(artifact);
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === headers.etag || tag.trim() === '*')) {
      return { status: 304, headers, body: null };
    }
    const size = Number(artifact.size);
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') {
      throw new DomainError(
        416,
        ErrorCode.rangeNotSatisfiable,
        'Range not satisfiable',
        `the artifact has ${size} bytes`,
        {},
        { 'content-range': `bytes */${size}` },
      );
    }
    const span: ByteRange = range ?? { start: 0, end: size - 1 };
    const out: Omit<Download, 'body'> = {
      status: range ? 206 : 200,
      headers: { ...headers, 'content-length': String(span.end - span.start + 1) },
    };
    if (range) out.headers['content-range'] = `bytes ${span.start}-${span.end}/${size}`;

    const source = await this.openBlob(artifact);
    const verifier = new VerifyingStream({ sha256: artifact.sha256, size }, span);
    const body = pipeline(source, verifier, (err) => {
      if (err instanceof IntegrityError) void this.failed(artifact, err.reason);
    });
    if (size > this.config.verifyBeforeSendBytes) return { ...out, body };
    try {
      return { ...out, body: Buffer.concat(await body.toArray()) };
    } catch (err) {
      if (err instanceof IntegrityError) throw new IntegrityFailed(`${p.name}@${p.version}:${p.path}`, err.message);
      throw err;
    }
  }

  /** Re-hashes every blob of a version; flags what fails and clears what passes. */
  async verify(name: string, version: string): Promise<VerifyResponse> {
    const row = await this.repository.version(name, version);
    const artifacts = await this.repository.manifest(row.id);
    const items: VerifyResponse['items'] = [];
    for (const artifact of artifacts) {
      let status: BlobCheck = 'missing';
      let actual: { sha256: string; size: number } | null = null;
      try {
        actual = await digestStream(await this.storage.read(artifact.sha256));
        status = actual.sha256 === artifact.sha256 && actual.size === Number(artifact.size) ? 'ok' : 'corrupted';
      } catch (err) {
        if (!(err instanceof BlobMissing)) throw err;
      }
      if (status !== 'ok') this.count(artifact, status);
      items.push({
        path: artifact.path,
        sha256: artifact.sha256,
        size: Number(artifact.size),
        status,
        actualSha256: actual?.sha256 ?? null,
        actualSize: actual?.size ?? null,
      });
    }
    const damaged = items.filter((i) => i.status !== 'ok').map((i) => i.sha256);
    await this.repository.recordVerification(
      row.id,
      [...new Set(items.map((i) => i.sha256))].filter((s) => !damaged.includes(s)),
      damaged,
    );
    return { model: name, version, ok: damaged.length === 0, items };
  }

  private async openBlob(artifact: Artifact): Promise<Readable> {
    try {
      return await this.storage.read(artifact.sha256);
    } catch (err) {
      if (!(err instanceof BlobMissing)) throw err;
      await this.failed(artifact, 'missing');
      throw new IntegrityFailed(artifact.path, 'the stored blob is missing');
    }
  }

  private count(artifact: Artifact, reason: string) {
    this.metrics.integrityFailures.inc({ backend: this.storage.backend, reason });
    this.logger.error(
      `integrity failure (${reason}) of blob ${artifact.sha256}, artifact ${artifact.path} of version ${artifact.versionId}`,
    );
  }

  private async failed(artifact: Artifact, reason: string) {
    this.count(artifact, reason);
    await this.repository
      .markFailed(artifact.sha256)
      .catch((err: unknown) => this.logger.error(`could not flag blob ${artifact.sha256}: ${String(err)}`));
  }
}
