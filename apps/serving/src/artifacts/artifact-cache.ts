import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { IntegrityError } from '@modelyard/sdk';
import type { ServingSettings } from '../config.js';
import { LoadError, type VersionDescriptor } from '../models/loaded-version.js';
import { RegistrySource } from '../registry/registry.source.js';
import { ServingMetrics } from '../serving.metrics.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { pruneCache } from './cache-pruning.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Artifacts on local disk, one file per content hash (`<SERVING_CACHE_DIR>/<sha256>`), so a restart
 * loads without downloading and two versions with the same bytes share one file. A cached file is
 * hashed again every time it is read (the bytes are read anyway to load them): one that no longer
 * matches its name is deleted and downloaded again. Downloads land under tmp/ with a unique name
 * and are renamed into place once verified, so replicas sharing the directory never see half a file.
 */
@Injectable()
export class ArtifactCache implements OnModuleInit {
  private readonly logger = new Logger(ArtifactCache.name);
  // One read per content hash at a time: concurrent loads of the same bytes share it.
  private readonly reading = new Map<string, Promise<Buffer>>();

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(RegistrySource) private readonly source: RegistrySource,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    await mkdir(join(this.settings.cacheDir, 'tmp'), { recursive: true });
  }

  /** The artifact's bytes, verified against the SHA-256 the registry lists for it. */
  read(d: VersionDescriptor): Promise<Buffer> {
    let pending = this.reading.get(d.sha256);
    if (!pending) {
      pending = this.readOrDownload(d).finally(() => this.reading.delete(d.sha256));
      this.reading.set(d.sha256, pending);
    }
    return pending;
  }

  /**
   * Keeps the directory under SERVING_CACHE_MAX_MB after each full reconcile: least recently used
   * artifacts first, never one of `wanted` (the shas serving now). Failing to prune never stops serving.
   */
  async prune(wanted: ReadonlySet<string>): Promise<void> {
    try {
      const { removed, keptBytes } = await pruneCache(this.settings.cacheDir, wanted, this.settings.maxCacheBytes);
      this.metrics.cacheBytes.set(keptBytes);
      if (removed.length) this.logger.log(`disk cache over its budget: removed ${removed.length} artifacts no version serves`);
    } catch (err) {
      this.logger.warn(`pruning the disk cache failed: ${message(err)}`);
    }
  }

  private async readOrDownload(d: VersionDescriptor): Promise<Buffer> {
    const file = join(this.settings.cacheDir, d.sha256);
    const cached = await readFile(file).catch(() => null);
    if (cached && sha256(cached) === d.sha256) {
      this.metrics.cacheHits.inc();
      // The modification time orders pruning: a file read now is the last to go.
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return cached;
    }
    if (cached) {
      this.metrics.cacheCorrupt.inc();
      this.logger.warn(`cached ${d.artifact} of ${d.model}@${d.version} no longer matches ${d.sha256}: downloading it again`);
      await rm(file, { force: true });
    }
    await this.download(d, file);
    const bytes = await readFile(file);
    if (sha256(bytes) !== d.sha256)
      throw new LoadError('integrity', `${d.artifact}: the file written to the cache does not hash to ${d.sha256}`);
    return bytes;
  }

  private async download(d: VersionDescriptor, file: string): Promise<void> {
    const tmp = join(this.settings.cacheDir, 'tmp', randomUUID());
    try {
      const pulled = await this.source.pull(d.model, d.version, d.artifact, tmp);
      if (pulled.sha256 !== d.sha256) {
        throw new LoadError('integrity', `${d.artifact}: downloaded bytes hash to ${pulled.sha256}, the manifest lists ${d.sha256}`);
      }
      await rename(tmp, file);
      this.metrics.downloads.inc();
    } catch (err) {
      await rm(tmp, { force: true });
      if (err instanceof LoadError) throw err;
      const reason = err instanceof IntegrityError ? 'integrity' : 'download';
      throw new LoadError(reason, `downloading ${d.artifact} of ${d.model}@${d.version}: ${message(err)}`);
    }
  }
}
