import type { Readable } from 'node:stream';

export const ARTIFACT_STORAGE = Symbol('ARTIFACT_STORAGE');

/** The stored object of a blob is gone. */
export class BlobMissing extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is missing from storage`);
    this.name = 'BlobMissing';
  }
}

/**
 * Where blob bytes live. Objects are named by their SHA-256 only; which version uses which blob is
 * in Postgres. Uploads go to a temporary object first, because the name is known only once the
 * last byte has been hashed; `commit` then gives the temporary object its final name.
 */
export interface ArtifactStorage {
  readonly backend: 'filesystem' | 's3';
  /** Streams `source` into a new temporary object; returns its handle. Rejects (and cleans up) on error. */
  writeTemp(source: Readable): Promise<string>;
  /** Makes the temporary object the blob `sha256`, replacing any object of that name. */
  commit(temp: string, sha256: string, size: number): Promise<void>;
  discard(temp: string): Promise<void>;
  /** Size of the stored blob, or null when there is none. */
  size(sha256: string): Promise<number | null>;
  /** The stored bytes, from the first. Rejects with BlobMissing when there is no such object. */
  read(sha256: string): Promise<Readable>;
  /** Deletes the blob; deleting one that does not exist is not an error. */
  delete(sha256: string): Promise<void>;
  /** Deletes temporary objects older than `before` (uploads a crash abandoned); returns how many. */
  sweepTemp(before: Date): Promise<number>;
  /** Readiness: throws when the backend cannot take writes; returns details for /health/ready. */
  check(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Blobs fan out by their first two hex digits, so no directory (or S3 listing) grows too large. */
export function blobKey(sha256: string): string {
  return `blobs/sha256/${sha256.slice(0, 2)}/${sha256}`;
}
