import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Principal } from '@modelyard/platform';
import { ErrorCode, type ArtifactParams, type UploadHeaders, type UploadResponse } from '@modelyard/types';
import { ARTIFACTS_CONFIG } from './artifacts.tokens.js';
import type { ArtifactsConfig } from '../config.js';
import { ArtifactGc } from './artifact-gc.processor.js';
import { toArtifactResponse, toManifest } from './artifacts.mapper.js';
import { ArtifactsRepository, assertDraft } from './artifacts.repository.js';
import { HashMeter } from './integrity.js';
import { ARTIFACT_STORAGE, type ArtifactStorage } from './storage/artifact-storage.js';

const tooLarge = (max: number) =>
  new DomainError(413, ErrorCode.payloadTooLarge, 'Payload too large', `artifacts are limited to ${max} bytes (ARTIFACT_MAX_BYTES)`);

@Injectable()
export class ArtifactsService {
  constructor(
    @Inject(ArtifactsRepository) private readonly repository: ArtifactsRepository,
    @Inject(ARTIFACT_STORAGE) private readonly storage: ArtifactStorage,
    @Inject(ARTIFACTS_CONFIG) private readonly config: ArtifactsConfig,
    @Inject(ArtifactGc) private readonly gc: ArtifactGc,
  ) {}

  async manifest(name: string, version: string) {
    const row = await this.repository.version(name, version);
    return toManifest(name, row, await this.repository.manifest(row.id));
  }

  /**
   * Streams the body to a temporary object while hashing it (memory use does not grow with the
   * file), checks the client's digest, then records the artifact. On any failure the temporary
   * object is removed: nothing of a rejected upload is kept.
   */
  async upload(p: ArtifactParams, headers: UploadHeaders, body: IncomingMessage, who: Principal): Promise<UploadResponse> {
    const max = this.config.maxBytes;
    if (headers['content-length'] !== undefined && headers['content-length'] > max) throw tooLarge(max);
    // Refuse early, before reading a byte; checked again under the lock when recording.
    assertDraft(await this.repository.version(p.name, p.version));

    const meter = new HashMeter(max);
    // `on`, not `once`: a second error from the socket must not go unhandled.
    body.on('error', (err) => meter.destroy(err));
    let temp: string;
    try {
      temp = await this.storage.writeTemp(body.pipe(meter));
    } catch (err) {
      if (meter.tooLarge) throw tooLarge(max);
      throw new DomainError(400, ErrorCode.malformedBody, 'Upload interrupted', `the body could not be read to its end: ${String(err)}`);
    }

    let placed = false;
    try {
      const sha256 = meter.digest();
      const expected = headers['x-content-sha256'];
      if (expected && expected !== sha256) {
        throw new DomainError(
          422,
          ErrorCode.checksumMismatch,
          'Checksum mismatch',
          'the body does not hash to X-Content-SHA256; nothing was stored',
          {
            expectedSha256: expected,
            actualSha256: sha256,
          },
        );
      }
      const saved = await this.repository.save(
        { ...p, sha256, size: meter.bytes, contentType: headers['x-artifact-content-type'] ?? 'application/octet-stream', actor: who.id },
        async (existing) => {
          // Identical content already stored intact: keep one copy. A damaged blob is replaced.
          const intact = existing && !existing.corruptedAt && (await this.storage.size(sha256)) === meter.bytes;
          if (intact) await this.storage.discard(temp);
          else await this.storage.commit(temp, sha256, meter.bytes);
          placed = true;
          return Boolean(intact);
        },
      );
      if (saved.replaced)
        await this.gc.schedule(`replaced.${saved.artifact.id}.${saved.artifact.uploadedAt.getTime()}`, 'artifact replaced');
      return { ...toArtifactResponse(saved.artifact), deduplicated: saved.deduplicated };
    } finally {
      if (!placed) await this.storage.discard(temp).catch(() => undefined);
    }
  }
}
