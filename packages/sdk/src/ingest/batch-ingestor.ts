import { randomUUID } from 'node:crypto';
import { ModelyardError } from '../http/errors.js';
import { backoffDelay, sleep, type RetryOptions } from '../http/retry.js';

/** Sends one batch; the same key is given again when the batch is retried. */
export type BatchSender<T> = (batch: T[], idempotencyKey: string) => Promise<unknown>;

/** What `add()` does when the queue is full: wait for room (default), or drop the item and count it. */
export type OnFull = 'block' | 'drop';

export interface BatchIngestorOptions<T> {
  send: BatchSender<T>;
  /**
   * `block` (default): `add()` waits until there is room, so nothing is lost and a producer
   * faster than the service slows to its pace. `drop`: `add()` never waits; items that find the
   * queue full are dropped, counted in `stats.dropped` / `stats.droppedFull`, and reported.
   */
  onFull?: OnFull;
  /** Drops for lack of room are reported at most once per this interval (default 10 s). */
  dropReportIntervalMs?: number;
  /** Items per request (default 500; the services accept up to 10,000). */
  maxBatchSize?: number;
  /** A partial batch is sent after this long (default 1 s). */
  flushIntervalMs?: number;
  /** Items held at most; beyond it `add()` waits, or drops with `onFull: 'drop'` (default 10,000). */
  maxQueueSize?: number;
  /** Tries per batch for transient failures, on top of the HTTP client's own retries (default 5). */
  maxBatchAttempts?: number;
  retryDelay?: Partial<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>>;
  /**
   * Data lost: a batch given up on (refused by the service, or still failing after every try), with
   * its items; or, with `onFull: 'drop'`, an IngestorFullError counting the items dropped since the
   * last report (rate-limited; `batch` is then empty). Without it, losses are logged with console.warn.
   */
  onError?: (error: unknown, batch: T[]) => void;
}

export interface IngestorStats {
  queued: number;
  sent: number;
  /** Items that will never reach the service: refused batches, and those dropped for lack of room. */
  dropped: number;
  /** The part of `dropped` that found the queue full (`onFull: 'drop'`). */
  droppedFull: number;
  batches: number;
  retries: number;
}

/** Reported (rate-limited) while `onFull: 'drop'` drops items. */
export class IngestorFullError extends Error {
  constructor(
    /** Dropped since the previous report. */
    readonly dropped: number,
    /** Dropped since the ingestor was created. */
    readonly droppedTotal: number,
  ) {
    super(`ingestion queue full: dropped ${dropped} item(s) since the last report (${droppedTotal} in total)`);
    this.name = 'IngestorFullError';
  }
}

/** Transient: nothing said the batch is wrong, so sending it again (same key) may work. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof ModelyardError)) return false;
  return (
    err.status === 0 ||
    err.status === 429 ||
    err.status === 503 ||
    err.status === 502 ||
    err.status === 504 ||
    (err.status === 409 && err.retryAfterMs !== undefined)
  );
}

/**
 * Generic batching for ingestion endpoints (experiment exposures/events, drift records, learning
 * samples): a bounded queue flushed in the background by size or interval, one Idempotency-Key
 * per batch (kept across its retries, so the service counts a retried batch once), and
 * back-pressure: by default `add()` waits while the queue is full instead of letting memory grow
 * or losing data; dropping is an explicit choice (`onFull: 'drop'`), counted and reported.
 * Batches go out one at a time, in order.
 */
export class BatchIngestor<T> {
  private readonly queue: T[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly maxBatchSize: number;
  private readonly maxQueueSize: number;
  private readonly maxBatchAttempts: number;
  private readonly retry: RetryOptions;
  private readonly timer: NodeJS.Timeout;
  private pumping: Promise<void> | null = null;
  private drainRequested = false;
  private closed = false;
  private enqueued = 0;
  private settled = 0;
  private readonly settledWaiters: Array<{ target: number; resolve: () => void }> = [];
  private readonly counts = { sent: 0, dropped: 0, droppedFull: 0, batches: 0, retries: 0 };
  private readonly onFull: OnFull;
  private readonly dropReportIntervalMs: number;
  private lastDropReport = -Infinity;
  private unreportedDrops = 0;
  private lastWarning = -Infinity;
  /** The last error a batch was given up for. */
  lastError: unknown;

  constructor(private readonly options: BatchIngestorOptions<T>) {
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.maxQueueSize = options.maxQueueSize ?? 10_000;
    this.maxBatchAttempts = options.maxBatchAttempts ?? 5;
    this.onFull = options.onFull ?? 'block';
    this.dropReportIntervalMs = options.dropReportIntervalMs ?? 10_000;
    this.retry = {
      maxAttempts: this.maxBatchAttempts,
      baseDelayMs: options.retryDelay?.baseDelayMs ?? 500,
      maxDelayMs: options.retryDelay?.maxDelayMs ?? 30_000,
    };
    if (this.maxBatchSize < 1 || this.maxQueueSize < this.maxBatchSize) throw new RangeError('need 1 <= maxBatchSize <= maxQueueSize');
    this.timer = setInterval(() => {
      if (this.queue.length) this.requestDrain();
    }, options.flushIntervalMs ?? 1_000);
    // A pending flush timer must not keep a process alive; close() sends what is left.
    this.timer.unref();
  }

  get stats(): IngestorStats {
    return { queued: this.queue.length, ...this.counts };
  }

  /**
   * Queues one item. While the queue is full it waits for room (back-pressure, the default) or,
   * with `onFull: 'drop'`, drops the item and resolves false. Resolves true once the item is queued.
   */
  async add(item: T): Promise<boolean> {
    if (this.closed) throw new Error('the ingestor is closed');
    while (this.queue.length >= this.maxQueueSize) {
      this.schedule();
      if (this.onFull === 'drop') {
        this.dropForRoom();
        return false;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      if (this.closed) throw new Error('the ingestor is closed');
    }
    this.queue.push(item);
    this.enqueued++;
    if (this.queue.length >= this.maxBatchSize) this.schedule();
    return true;
  }

  /**
   * Queues one item if there is room, without waiting: false when full, and the item is the
   * caller's to keep or discard (not counted as dropped). For callers that must never wait.
   */
  tryAdd(item: T): boolean {
    if (this.closed) throw new Error('the ingestor is closed');
    if (this.queue.length >= this.maxQueueSize) {
      this.schedule();
      return false;
    }
    this.queue.push(item);
    this.enqueued++;
    if (this.queue.length >= this.maxBatchSize) this.schedule();
    return true;
  }

  async addMany(items: Iterable<T>): Promise<void> {
    for (const item of items) await this.add(item);
  }

  /** Sends everything queued so far (partial batches too); resolves once each item is sent or dropped. */
  async flush(): Promise<void> {
    const target = this.enqueued;
    if (this.settled >= target) return;
    const done = new Promise<void>((resolve) => this.settledWaiters.push({ target, resolve }));
    this.requestDrain();
    await done;
  }

  /** Stops the timer, refuses new items, and flushes what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    this.waiters.splice(0).forEach((wake) => wake());
  }

  private requestDrain() {
    this.drainRequested = true;
    this.schedule();
  }

  private schedule() {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = null;
      // Items may have arrived while the last batch was in flight.
      if (this.queue.length >= this.maxBatchSize || (this.drainRequested && this.queue.length)) this.schedule();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length >= this.maxBatchSize || (this.drainRequested && this.queue.length)) {
      const batch = this.queue.splice(0, this.maxBatchSize);
      if (!this.queue.length) this.drainRequested = false;
      while (this.waiters.length && this.queue.length < this.maxQueueSize) this.waiters.shift()!();
      await this.sendBatch(batch);
      this.settled += batch.length;
      for (let i = this.settledWaiters.length - 1; i >= 0; i--) {
        if (this.settled >= this.settledWaiters[i]!.target) this.settledWaiters.splice(i, 1)[0]!.resolve();
      }
    }
  }

  private async sendBatch(batch: T[]): Promise<void> {
    const key = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.send(batch, key);
        this.counts.sent += batch.length;
        this.counts.batches++;
        return;
      } catch (err) {
        if (!isTransient(err) || attempt + 1 >= this.maxBatchAttempts) {
          this.counts.dropped += batch.length;
          this.lastError = err;
          this.report(err, batch);
          return;
        }
        this.counts.retries++;
        const wait = err instanceof ModelyardError && err.retryAfterMs !== undefined ? err.retryAfterMs : backoffDelay(attempt, this.retry);
        await sleep(Math.min(wait, this.retry.maxDelayMs));
      }
    }
  }

  private dropForRoom(): void {
    this.counts.dropped++;
    this.counts.droppedFull++;
    this.unreportedDrops++;
    const now = Date.now();
    if (now - this.lastDropReport < this.dropReportIntervalMs) return;
    this.lastDropReport = now;
    const error = new IngestorFullError(this.unreportedDrops, this.counts.droppedFull);
    this.unreportedDrops = 0;
    this.report(error, []);
  }

  /** Hands a loss to onError, or warns on the console (at most once per report interval). */
  private report(error: unknown, batch: T[]): void {
    if (!this.options.onError) {
      const now = Date.now();
      if (now - this.lastWarning < this.dropReportIntervalMs) return;
      this.lastWarning = now;
      const what = error instanceof Error ? error.message : String(error);
      console.warn(`[modelyard] ingestion lost data: ${what} (stats: ${JSON.stringify(this.stats)})`);
      return;
    }
    try {
      this.options.onError(error, batch);
    } catch {
      // A throwing callback must not stop the pump: flush() and close() wait on it.
    }
  }
}
