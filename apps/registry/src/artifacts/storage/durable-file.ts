import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Buffered bytes before the stream pushes back; queued chunks are written with one writev. */
const BUFFER_BYTES = 4 * 1024 * 1024;
/** Flush to disk every this many bytes, while the upload goes on (see below). */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * A file sink that is on disk when it finishes. A single fsync at the end would make the client
 * wait for the whole file to reach the disk (seconds per GiB); syncing every 64 MiB in the
 * background overlaps the disk with the network and the hashing, and bounds unsynced data.
 */
export class DurableFile extends Writable {
  private unsynced = 0;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly handle: FileHandle) {
    super({ highWaterMark: BUFFER_BYTES });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void) {
    this.writeAll([chunk]).then(() => done(), done);
  }

  override _writev(chunks: { chunk: Buffer }[], done: (err?: Error | null) => void) {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => done(), done);
  }

  private async writeAll(buffers: Buffer[]) {
    let left = buffers;
    while (left.length) {
      const { bytesWritten } = await this.handle.writev(left);
      this.unsynced += bytesWritten;
      left = skip(left, bytesWritten);
    }
    if (this.unsynced >= SYNC_EVERY_BYTES) {
      // At most one sync in flight: waiting for the previous one is the back-pressure on a slow disk.
      await this.syncing;
      this.syncing = this.handle.datasync();
      this.unsynced = 0;
    }
  }

  override _final(done: (err?: Error | null) => void) {
    this.syncing.then(() => this.handle.datasync()).then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void) {
    this.syncing
      .catch(() => undefined)
      .then(() => this.handle.close())
      .then(
        () => done(err),
        (closeErr: Error) => done(err ?? closeErr),
      );
  }
}

/** The buffers left after `n` bytes of them were written (writev may write less than asked). */
function skip(buffers: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (n >= b.length) n -= b.length;
    else {
      out.push(n ? b.subarray(n) : b);
      n = 0;
    }
  }
  return out;
}
