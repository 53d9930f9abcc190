import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

export interface Expected {
  sha256: string;
  size: number;
}

/** Upload side: hashes and counts the bytes flowing through, and stops the stream past `max` bytes. */
export class HashMeter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  tooLarge = false;

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      this.tooLarge = true;
      done(new Error(`the body exceeds ${this.max} bytes`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export class IntegrityError extends Error {
  constructor(
    readonly reason: 'corrupted' | 'size_mismatch',
    readonly expected: Expected,
  ) {
    super(`stored bytes do not match ${reason === 'corrupted' ? 'the SHA-256' : 'the size'} recorded at upload (${expected.sha256})`);
    this.name = 'IntegrityError';
  }
}

/**
 * Download side: passes through bytes [start, end] of the blob while hashing all of it, and holds
 * back the last chunk it would send until the whole blob has been hashed. If the digest or the
 * size is wrong, that chunk is never sent and the stream fails, so the client can never receive a
 * complete (Content-Length-long) response of corrupted bytes. Memory held: one chunk.
 */
export class VerifyingStream extends Transform {
  private readonly hash = createHash('sha256');
  private held: Buffer | null = null;
  private position = 0;

  constructor(
    private readonly expected: Expected,
    private readonly range: { start: number; end: number },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    const offset = this.position;
    this.position += chunk.length;
    if (this.position > this.expected.size) {
      done(new IntegrityError('size_mismatch', this.expected));
      return;
    }
    this.hash.update(chunk);
    const from = Math.max(this.range.start - offset, 0);
    const to = Math.min(this.range.end + 1 - offset, chunk.length);
    if (from < to) {
      if (this.held) this.push(this.held);
      this.held = chunk.subarray(from, to);
    }
    done();
  }

  override _flush(done: TransformCallback) {
    if (this.position !== this.expected.size) return done(new IntegrityError('size_mismatch', this.expected));
    if (this.hash.digest('hex') !== this.expected.sha256) return done(new IntegrityError('corrupted', this.expected));
    if (this.held) this.push(this.held);
    done();
  }
}

/** SHA-256 and length of a whole stream (for `verify`, which reports what the bytes hash to now). */
export async function digestStream(stream: Readable): Promise<Expected> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}
