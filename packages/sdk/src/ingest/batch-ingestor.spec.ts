import { NetworkError, ValidationError } from '../http/errors.js';
import { BatchIngestor, IngestorFullError } from './batch-ingestor.js';

/** A sender whose calls can be held open, to observe the queue while a batch is in flight. */
function recorder() {
  const batches: Array<{ items: number[]; key: string }> = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  return {
    batches,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release: () => open(),
    send: async (items: number[], key: string) => {
      await gate;
      batches.push({ items: [...items], key });
    },
  };
}

const network = () => new NetworkError({ status: 0, code: 'network_error', title: 'Service unreachable' });

describe('BatchIngestor', () => {
  it('sends full batches as soon as they fill, in order, each with its own key', async () => {
    const r = recorder();
    const ingest = new BatchIngestor<number>({ send: r.send, maxBatchSize: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) await ingest.add(i);
    await new Promise((res) => setTimeout(res, 20));
    expect(r.batches.map((b) => b.items)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    await ingest.close();
    expect(r.batches.map((b) => b.items)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(new Set(r.batches.map((b) => b.key)).size).toBe(3);
    expect(ingest.stats).toMatchObject({ sent: 7, batches: 3, dropped: 0, queued: 0 });
  });

  it('sends a partial batch after the flush interval', async () => {
    const r = recorder();
    const ingest = new BatchIngestor<number>({ send: r.send, maxBatchSize: 100, flushIntervalMs: 50 });
    await ingest.add(1);
    await ingest.add(2);
    expect(r.batches).toEqual([]);
    await new Promise((res) => setTimeout(res, 150));
    expect(r.batches.map((b) => b.items)).toEqual([[1, 2]]);
    await ingest.close();
  });

  it('applies back-pressure: add() waits while the queue is full, memory stays bounded', async () => {
    const r = recorder();
    r.hold();
    const ingest = new BatchIngestor<number>({ send: r.send, maxBatchSize: 2, maxQueueSize: 4, flushIntervalMs: 60_000 });
    let added = 0;
    let maxQueued = 0;
    const producer = (async () => {
      for (let i = 0; i < 20; i++) {
        await ingest.add(i);
        added++;
        maxQueued = Math.max(maxQueued, ingest.stats.queued);
      }
    })();
    await new Promise((res) => setTimeout(res, 50));
    // One batch of 2 is in flight (held), 4 are queued: the producer waits for room.
    expect(added).toBe(6);
    expect(ingest.stats.queued).toBe(4);
    r.release();
    await producer;
    await ingest.close();
    expect(maxQueued).toBeLessThanOrEqual(4);
    expect(r.batches.flatMap((b) => b.items)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("with onFull: 'drop', add() never waits: drops are counted and reported, rate-limited", async () => {
    const r = recorder();
    r.hold();
    const reports: Array<{ error: unknown; batch: number[] }> = [];
    const ingest = new BatchIngestor<number>({
      send: r.send,
      maxBatchSize: 2,
      maxQueueSize: 4,
      flushIntervalMs: 60_000,
      onFull: 'drop',
      dropReportIntervalMs: 100,
      onError: (error, batch) => reports.push({ error, batch }),
    });
    const accepted: boolean[] = [];
    for (let i = 0; i < 20; i++) accepted.push(await ingest.add(i));
    // 2 in flight (held) + 4 queued; the other 14 were dropped, reported once within the interval.
    expect(accepted.filter(Boolean)).toHaveLength(6);
    expect(ingest.stats).toMatchObject({ queued: 4, dropped: 14, droppedFull: 14 });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.error).toBeInstanceOf(IngestorFullError);
    expect(reports[0]!.error).toMatchObject({ dropped: 1, droppedTotal: 1 });
    await new Promise((res) => setTimeout(res, 120));
    expect(await ingest.add(99)).toBe(false);
    expect(reports).toHaveLength(2);
    expect(reports[1]!.error).toMatchObject({ dropped: 14, droppedTotal: 15 });
    r.release();
    await ingest.close();
    const sent = r.batches.flatMap((b) => b.items);
    expect(sent).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ingest.stats.dropped).toBe(21 - sent.length);
  });

  it('warns on the console about lost data when no onError is given, at most once per interval', async () => {
    const original = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args[0]);
    try {
      const r = recorder();
      r.hold();
      const ingest = new BatchIngestor<number>({ send: r.send, maxBatchSize: 1, maxQueueSize: 1, onFull: 'drop' });
      for (let i = 0; i < 10; i++) await ingest.add(i);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0])).toMatch(/ingestion lost data: ingestion queue full/);
      r.release();
      await ingest.close();
      expect(ingest.stats).toMatchObject({ sent: 2, dropped: 8 });
    } finally {
      console.warn = original;
    }
  });

  it('by default, a burst far larger than the queue loses nothing', async () => {
    const sent: number[] = [];
    const ingest = new BatchIngestor<number>({
      send: async (items) => {
        await new Promise((res) => setTimeout(res, 1));
        sent.push(...items);
      },
      maxBatchSize: 10,
      maxQueueSize: 20,
    });
    // Producers that do not await each other: each add() waits for room in turn.
    await Promise.all(Array.from({ length: 1000 }, (_, i) => ingest.add(i)));
    await ingest.close();
    expect(sent).toHaveLength(1000);
    expect(new Set(sent).size).toBe(1000);
    expect(ingest.stats).toMatchObject({ sent: 1000, dropped: 0, droppedFull: 0 });
  });

  it('tryAdd refuses instead of waiting when full', async () => {
    const r = recorder();
    r.hold();
    const ingest = new BatchIngestor<number>({ send: r.send, maxBatchSize: 1, maxQueueSize: 1, flushIntervalMs: 60_000 });
    expect(ingest.tryAdd(1)).toBe(true); // goes in flight
    await new Promise((res) => setTimeout(res, 10));
    expect(ingest.tryAdd(2)).toBe(true);
    expect(ingest.tryAdd(3)).toBe(false);
    r.release();
    await ingest.close();
    expect(r.batches.map((b) => b.items)).toEqual([[1], [2]]);
  });

  it('retries a batch after transient failures with the same Idempotency-Key', async () => {
    const keys: string[] = [];
    let failures = 2;
    const ingest = new BatchIngestor<number>({
      send: async (_items, key) => {
        keys.push(key);
        if (failures-- > 0) throw network();
      },
      retryDelay: { baseDelayMs: 1 },
    });
    await ingest.addMany([1, 2, 3]);
    await ingest.flush();
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(ingest.stats).toMatchObject({ sent: 3, retries: 2, dropped: 0 });
    await ingest.close();
  });

  /** A service that refuses any batch holding -1 (a 400) and records the others. */
  function refusingMinusOne() {
    const sent: number[][] = [];
    const send = async (items: number[]) => {
      if (items.includes(-1)) throw new ValidationError({ status: 400, code: 'validation_failed', title: 'bad' });
      sent.push(items);
    };
    return { sent, send };
  }

  it('drops a refused batch (reporting it) and goes on with the next', async () => {
    const dropped: number[][] = [];
    const { sent, send } = refusingMinusOne();
    const ingest = new BatchIngestor<number>({
      maxBatchSize: 2,
      send,
      onError: (_err, batch) => dropped.push(batch),
    });
    await ingest.addMany([1, -1, 2, 3]);
    await ingest.close();
    expect(dropped).toEqual([[1, -1]]);
    expect(sent).toEqual([[2, 3]]);
    expect(ingest.stats).toMatchObject({ sent: 2, dropped: 2 });
    expect(ingest.lastError).toBeInstanceOf(ValidationError);
  });

  it('keeps going when the onError callback itself throws', async () => {
    const { sent, send } = refusingMinusOne();
    const ingest = new BatchIngestor<number>({
      maxBatchSize: 2,
      send,
      onError: () => {
        throw new Error('callback bug');
      },
    });
    await ingest.addMany([1, -1, 2, 3]);
    await ingest.close();
    expect(sent).toEqual([[2, 3]]);
    expect(ingest.stats).toMatchObject({ sent: 2, dropped: 2 });
  });

  it('flush() waits only for what was queued before it; close() refuses new items', async () => {
    const r = recorder();
    const ingest = new BatchIngestor<number>({ send: r.send, maxBatchSize: 10, flushIntervalMs: 60_000 });
    await ingest.addMany([1, 2]);
    await ingest.flush();
    expect(r.batches.map((b) => b.items)).toEqual([[1, 2]]);
    await ingest.flush(); // nothing queued: returns at once
    await ingest.close();
    await expect(ingest.add(3)).rejects.toThrow('closed');
    expect(() => new BatchIngestor<number>({ send: r.send, maxBatchSize: 10, maxQueueSize: 5 })).toThrow(RangeError);
  });
});
