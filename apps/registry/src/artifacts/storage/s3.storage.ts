import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactsConfig } from '../../config.js';
import { blobKey, BlobMissing, type ArtifactStorage } from './artifact-storage.js';
import { multipartCopy, SINGLE_COPY_LIMIT } from './s3-multipart-copy.js';

/** Parts uploaded at once: memory held is about part size × this. */
const QUEUE_SIZE = 4;

const notFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Blobs in an S3-compatible bucket. Uploads are multipart (lib-storage), so an object of any size
 * streams through a bounded set of part buffers; `commit` is a server-side copy, the bytes never
 * come back through the service.
 */
export class S3Storage implements ArtifactStorage {
  readonly backend = 's3';
  private readonly client: S3Client;

  constructor(private readonly config: ArtifactsConfig['s3']) {
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // Every read is checked against the blob's SHA-256 by the registry itself. The SDK's own CRC
      // check of responses adds nothing to that, and some S3-compatible servers report a wrong
      // checksum for objects made by server-side copy of multipart uploads (moto does).
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    });
  }

  private key(sha256: string) {
    return `${this.config.prefix}${blobKey(sha256)}`;
  }

  async writeTemp(source: Readable): Promise<string> {
    const temp = `${this.config.prefix}tmp/${randomUUID()}`;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: temp, Body: source, ContentType: 'application/octet-stream' },
      partSize: this.config.partSize,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // lib-storage does not see errors of its source stream; abort the upload when one happens.
    const onError = () => void upload.abort().catch(() => undefined);
    source.once('error', onError);
    try {
      await upload.done();
      return temp;
    } catch (err) {
      await this.discard(temp);
      throw source.errored ?? err;
    } finally {
      source.off('error', onError);
    }
  }

  async commit(temp: string, sha256: string, size: number): Promise<void> {
    const target = { Bucket: this.config.bucket, Key: this.key(sha256) };
    const copySource = `${this.config.bucket}/${temp}`;
    if (size <= SINGLE_COPY_LIMIT) await this.client.send(new CopyObjectCommand({ ...target, CopySource: copySource }));
    else await multipartCopy(this.client, target, copySource, size, this.config.partSize);
    await this.discard(temp);
  }

  async discard(temp: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: temp }));
  }

  async size(sha256: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha256) }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }

  async read(sha256: string): Promise<Readable> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha256) }));
      return res.Body as Readable;
    } catch (err) {
      if (notFound(err)) throw new BlobMissing(sha256);
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha256) }));
  }

  async sweepTemp(before: Date): Promise<number> {
    let removed = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: `${this.config.prefix}tmp/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified < before) {
          await this.discard(object.Key);
          removed++;
        }
      }
      token = page.NextContinuationToken;
    } while (token);
    return removed;
  }

  async check(): Promise<Record<string, unknown>> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
    return { backend: this.backend, bucket: this.config.bucket };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
