import { TurnBatches, type RedisClient } from '@modelyard/platform';
import { stickyClaim, type ClaimInput, type ClaimResult, type StickyKeys } from './sticky-claim.js';

/** Units in one script call at most: Redis runs a script alone, so one call must stay short (well under 1 ms). */
export const MAX_BATCH_UNITS = 500;

interface Waiter {
  from: number;
  count: number;
  resolve: (results: ClaimResult[]) => void;
  reject: (err: unknown) => void;
}

interface Batch {
  keys: StickyKeys;
  inputs: ClaimInput[];
  waiters: Waiter[];
}

/**
 * Coalesces the sticky claims of the requests that arrive in one turn of the event loop: one
 * STICKY_CLAIM per experiment for all of them (TurnBatches). Under concurrent load a request costs
 * a share of one round trip instead of one of its own (one write, one reply to parse, one script
 * call in Redis); alone, it waits for nothing but the end of the current turn. The script takes
 * units one after another, so a batch answers exactly as the same requests sent one by one would,
 * duplicates included (the second is sticky).
 */
export class ClaimBatcher {
  // By the sticky hash's key: one batch per experiment (a script's keys share one slot).
  private readonly batches = new TurnBatches<Batch>((batch) => this.send(batch));
  /** Script calls sent so far (each one round trip). */
  roundTrips = 0;

  constructor(private readonly client: () => RedisClient) {}

  claim(keys: StickyKeys, inputs: ClaimInput[]): Promise<ClaimResult[]> {
    return new Promise((resolve, reject) => {
      const batch = this.batches.take(
        keys.sticky,
        () => ({ keys, inputs: [], waiters: [] }),
        (b) => b.inputs.length + inputs.length > MAX_BATCH_UNITS,
      );
      batch.waiters.push({ from: batch.inputs.length, count: inputs.length, resolve, reject });
      for (const input of inputs) batch.inputs.push(input);
    });
  }

  private send(batch: Batch): void {
    this.roundTrips++;
    stickyClaim(this.client(), batch.keys, batch.inputs).then(
      (results) => {
        for (const w of batch.waiters) w.resolve(results.slice(w.from, w.from + w.count));
      },
      (err: unknown) => {
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }
}
