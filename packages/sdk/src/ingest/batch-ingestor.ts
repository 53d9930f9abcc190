import { randomUUID } from 'node:crypto';
import { ModelyardError } from '../http/errors.js';
import { backoffDelay, sleep, type RetryOptions } from '../http/retry.js';

/** Sends one batch; the same key is given again when the batch is retried. */
export type BatchSender<T> = (batch: T[], idempotencyKey: string) => Promise<unknown>;

export interface BatchIngestorOptions<T> {
  send: BatchSender<T>;
  /** Items per request (default 500; the services accept up to 10,000). */
  maxBatchSize?: number;
  /** A partial batch is sent after this long (default 1 s). */
  flushIntervalMs?: number;
  /** Items held at most; `add()` waits beyond it (default 10,000). */
  maxQueueSize?: number;
  /** Tries per batch for transient failures, on top of the HTTP client's own retries (default 5). */
  maxBatchAttempts?: number;
  retryDelay?: Partial<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>>;
  /** A batch given up on (refused by the service, or still failing after every try). */
  onError?: (error: unknown, batch: T[]) => void;
}

export interface IngestorStats {
  queued: number;
  sent: number;
  dropped: number;
  batches: number;
  retries: number;
}

/** Transient: nothing said the batch is wrong, so sending it again (same key) may work. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof ModelyardError)) return false;
  return err.status === 0 || err.status === 429 || err.status === 503 || err.status === 502 || err.status === 504 || (err.status === 409 && err.retryAfterMs !== undefined);
}

/**
 * Generic batching for ingestion endpoints (experiment exposures/events, drift records, learning
 * samples): a bounded queue flushed in the background by size or interval, one Idempotency-Key
 * per batch (kept across its retries, so the service counts a retried batch once), and
 * back-pressure: `add()` waits while the queue is full instead of letting memory grow.
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
  private readonly counts = { sent: 0, dropped: 0, batches: 0, retries: 0 };
  /** The last error a batch was given up for. */
  lastError: unknown;

  constructor(private readonly options: BatchIngestorOptions<T>) {
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.maxQueueSize = options.maxQueueSize ?? 10_000;
    this.maxBatchAttempts = options.maxBatchAttempts ?? 5;
    this.retry = { maxAttempts: this.maxBatchAttempts, baseDelayMs: options.retryDelay?.baseDelayMs ?? 500, maxDelayMs: options.retryDelay?.maxDelayMs ?? 30_000 };
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

  /** Queues one item; waits while the queue is full (back-pressure). */
  async add(item: T): Promise<void> {
    if (this.closed) throw new Error('the ingestor is closed');
    while (this.queue.length >= this.maxQueueSize) {
      this.schedule();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      if (this.closed) throw new Error('the ingestor is closed');
    }
    this.queue.push(item);
    this.enqueued++;
    if (this.queue.length >= this.maxBatchSize) this.schedule();
  }

  /** Queues one item if there is room, without waiting: false when full (for callers that must not block). */
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
          try {
            this.options.onError?.(err, batch);
          } catch {
            // A throwing callback must not stop the pump: flush() and close() wait on it.
          }
          return;
        }
        this.counts.retries++;
        const wait = err instanceof ModelyardError && err.retryAfterMs !== undefined ? err.retryAfterMs : backoffDelay(attempt, this.retry);
        await sleep(Math.min(wait, this.retry.maxDelayMs));
      }
    }
  }
}
