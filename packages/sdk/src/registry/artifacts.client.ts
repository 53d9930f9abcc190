import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { ManifestResponse, UploadResponse, VerifyResponse } from '@modelyard/types';
import { ClientErrorCode, IntegrityError } from '../http/errors.js';
import type { HttpClient } from '../http/http-client.js';
import { path } from '../http/path.js';

/** Bytes done so far and the total when known. Called often: keep it cheap. */
export type ProgressCallback = (transferred: number, total: number | undefined) => void;

export interface PushOptions {
  /** The artifact's own media type (default application/octet-stream). */
  contentType?: string;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface TransferOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface PulledArtifact {
  file: string;
  size: number;
  sha256: string;
}

export interface LocalCheck {
  path: string;
  status: 'ok' | 'corrupted' | 'missing';
  expectedSha256: string;
  actualSha256: string | null;
}

const artifactPath = (model: string, version: string, file: string) =>
  `${path`/v1/models/${model}/versions/${version}/artifacts`}/${file.split('/').map(encodeURIComponent).join('/')}`;

/** SHA-256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function mismatch(detail: string): IntegrityError {
  return new IntegrityError({ status: 0, code: ClientErrorCode.integrity, title: 'Integrity check failed', detail });
}

/** Counts bytes (and hashes them) as they stream through. */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(
    private readonly total: number | undefined,
    private readonly onProgress?: ProgressCallback,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onProgress?.(this.bytes, this.total);
    done(null, chunk);
  }
}

/**
 * Artifacts of a version, streamed both ways with SHA-256 end to end: an upload of a file sends
 * its digest (the registry refuses bytes that arrive different) and checks the stored digest; a
 * download hashes while writing to a temporary file that only takes the real name when the digest
 * matches the registry's.
 */
export class ArtifactsClient {
  constructor(private readonly http: HttpClient) {}

  manifest(model: string, version: string) {
    return this.http.json('GET', path`/v1/models/${model}/versions/${version}/artifacts`, ManifestResponse);
  }

  /** Uploads a file (by path, streamed) or bytes in memory. Drafts only. */
  async push(model: string, version: string, artifact: string, source: string | Uint8Array, options: PushOptions = {}) {
    const isFile = typeof source === 'string';
    const size = isFile ? (await stat(source)).size : source.byteLength;
    const digest = isFile ? await sha256File(source) : createHash('sha256').update(source).digest('hex');
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-content-sha256': digest };
    if (options.contentType) headers['x-artifact-content-type'] = options.contentType;
    const uploaded = await this.http.json('PUT', artifactPath(model, version, artifact), UploadResponse, {
      headers,
      signal: options.signal,
      // Re-opened for every attempt: a PUT of the same bytes is safe to repeat.
      rawBody: () => {
        const meter = new Meter(size, options.onProgress);
        const input = isFile ? createReadStream(source) : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
        // pipe() does not forward errors: a file that fails to read would crash the caller's
        // process and leave the request waiting. Failing the meter fails the request instead.
        input.on('error', (err: Error) => meter.destroy(err));
        return Readable.toWeb(input.pipe(meter)) as unknown as ReadableStream<Uint8Array>;
      },
      stream: true,
    });
    if (uploaded.sha256 !== digest) throw mismatch(`${artifact}: sent ${digest}, the registry stored ${uploaded.sha256}`);
    return uploaded;
  }

  /** Downloads one artifact to `file` (directories created); the file appears only once verified. */
  async pull(model: string, version: string, artifact: string, file: string, options: TransferOptions = {}): Promise<PulledArtifact> {
    const res = await this.http.send('GET', artifactPath(model, version, artifact), {
      stream: true,
      signal: options.signal,
      headers: { accept: '*/*' },
    });
    const expected = res.headers.get('x-content-sha256');
    const length = res.headers.get('content-length');
    const total = length ? Number(length) : undefined;
    await mkdir(dirname(file), { recursive: true });
    const partial = `${file}.part`;
    const meter = new Meter(total, options.onProgress);
    try {
      if (!res.body) throw mismatch(`${artifact}: empty response`);
      await pipeline(Readable.fromWeb(res.body as never), meter, createWriteStream(partial), { signal: options.signal });
      const actual = meter.hash.digest('hex');
      if (expected && actual !== expected) throw mismatch(`${artifact}: received bytes hash to ${actual}, the registry says ${expected}`);
      if (total !== undefined && meter.bytes !== total) throw mismatch(`${artifact}: received ${meter.bytes} of ${total} bytes`);
      await rename(partial, file);
      return { file, size: meter.bytes, sha256: actual };
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  /**
   * One artifact's bytes in memory, checked like `pull` (SHA-256 and length against the registry's
   * headers, else IntegrityError). For small files (a serialised model); `pull` streams large ones.
   */
  async read(model: string, version: string, artifact: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const res = await this.http.send('GET', artifactPath(model, version, artifact), { signal: options.signal, headers: { accept: '*/*' } });
    const bytes = Buffer.from(await res.arrayBuffer());
    const expected = res.headers.get('x-content-sha256');
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (expected && actual !== expected) throw mismatch(`${artifact}: received bytes hash to ${actual}, the registry says ${expected}`);
    return bytes;
  }

  /** Downloads every artifact of a version under `dir`, keeping their relative paths. */
  async pullAll(model: string, version: string, dir: string, options: TransferOptions = {}): Promise<PulledArtifact[]> {
    const manifest = await this.manifest(model, version);
    const done: PulledArtifact[] = [];
    let base = 0;
    for (const item of manifest.items) {
      const onProgress = options.onProgress && ((n: number) => options.onProgress!(base + n, manifest.totalSize));
      done.push(await this.pull(model, version, item.path, join(dir, item.path), { ...options, onProgress }));
      base += item.size;
    }
    return done;
  }

  /** Has the registry re-hash its stored copies (flags the version when one is corrupted). */
  verify(model: string, version: string) {
    return this.http.json('POST', path`/v1/models/${model}/versions/${version}/verify`, VerifyResponse, { retrySafe: true });
  }

  /** Checks local files under `dir` against the version's manifest, without downloading anything. */
  async verifyLocal(model: string, version: string, dir: string): Promise<{ ok: boolean; items: LocalCheck[] }> {
    const manifest = await this.manifest(model, version);
    const items: LocalCheck[] = [];
    for (const item of manifest.items) {
      const actual = await sha256File(join(dir, item.path)).catch(() => null);
      items.push({
        path: item.path,
        status: actual === null ? 'missing' : actual === item.sha256 ? 'ok' : 'corrupted',
        expectedSha256: item.sha256,
        actualSha256: actual,
      });
    }
    return { ok: items.every((i) => i.status === 'ok'), items };
  }
}
