import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactsConfig } from '../../config.js';
import { blobKey, BlobMissing, type ArtifactStorage } from './artifact-storage.js';
import { DurableFile } from './durable-file.js';

const CHUNK = 1024 * 1024;
const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Blobs as files under ARTIFACT_DIR. Temporary files sit on the same filesystem, so a commit is an atomic rename. */
export class FilesystemStorage implements ArtifactStorage {
  readonly backend = 'filesystem';
  private readonly root: string;
  private readonly tmp: string;

  constructor(private readonly config: ArtifactsConfig['filesystem']) {
    this.root = resolve(config.dir);
    this.tmp = join(this.root, 'tmp');
  }

  private path(sha256: string) {
    return join(this.root, blobKey(sha256));
  }

  async writeTemp(source: Readable): Promise<string> {
    await mkdir(this.tmp, { recursive: true });
    const temp = join(this.tmp, randomUUID());
    try {
      // Durable before commit: a blob recorded in Postgres must survive a power cut.
      await pipeline(source, new DurableFile(await open(temp, 'wx')));
      return temp;
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async commit(temp: string, sha256: string): Promise<void> {
    const target = this.path(sha256);
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }

  async discard(temp: string): Promise<void> {
    await rm(temp, { force: true });
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.path(sha256))).size;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async read(sha256: string): Promise<Readable> {
    const stream = createReadStream(this.path(sha256), { highWaterMark: CHUNK });
    // Surface a missing file as BlobMissing now, before any response header is written.
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', (err) => fail(isMissing(err) ? new BlobMissing(sha256) : err));
    });
    return stream;
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }

  async sweepTemp(before: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.tmp).catch(() => [])) {
      const path = join(this.tmp, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtime < before) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async check(): Promise<Record<string, unknown>> {
    await mkdir(this.tmp, { recursive: true });
    const probe = join(this.tmp, `.ready-${randomUUID()}`);
    await writeFile(probe, 'ok');
    const readBack = await readFile(probe, 'utf8');
    await rm(probe, { force: true });
    if (readBack !== 'ok') throw new Error(`${this.root} does not read back what was written`);
    const fs = await statfs(this.root);
    const freeBytes = fs.bavail * fs.bsize;
    if (freeBytes < this.config.minFreeBytes) {
      throw new Error(`only ${freeBytes} bytes free in ${this.root}; ARTIFACT_MIN_FREE_BYTES is ${this.config.minFreeBytes}`);
    }
    return { backend: this.backend, freeBytes };
  }

  async close(): Promise<void> {}
}
