import type { Counter } from 'prom-client';

/** Where a failed item is reported: a Nest `Logger` fits. */
export interface IsolationLogger {
  error(message: string): unknown;
}

export interface IsolationOptions<T> {
  /** Names the loop in logs and in the `loop` label of `ml_background_failures_total`. */
  loop: string;
  logger: IsolationLogger;
  /** `MetricsService.backgroundFailures`: one counter shared by every service. */
  failures: Counter<'loop'>;
  /** How an item is named in the log line (default: `String(item)`). */
  describe?: (item: T) => string;
  /** Items worked on at once (default 1: one after the other). */
  concurrency?: number;
  /**
   * Stop taking new items after this many failures in a row: then the loop's dependency (Redis,
   * Postgres) is down rather than one item poisoned, and going on would only repeat the error
   * for every item. The items left are the next run's. Default: never stop.
   */
  stopAfterFailuresInARow?: number;
}

export interface IsolationOutcome<T> {
  succeeded: number;
  failed: T[];
  /** True when `stopAfterFailuresInARow` ended the loop before every item was tried. */
  stopped: boolean;
}

/**
 * Runs `work` for every item of a background loop (a tick over experiments, a start-up pass over
 * monitors, an outbox sweep) so that one item's failure never stops the others: the error is
 * logged with the item, counted in `ml_background_failures_total{loop}`, and the loop goes on. The
 * failed item is retried by the loop's next run, which is why nothing is rethrown here.
 */
export async function forEachIsolated<T>(
  items: Iterable<T>,
  work: (item: T) => Promise<unknown>,
  options: IsolationOptions<T>,
): Promise<IsolationOutcome<T>> {
  const iterator = items[Symbol.iterator]();
  const outcome: IsolationOutcome<T> = { succeeded: 0, failed: [], stopped: false };
  const describe = options.describe ?? ((item: T) => String(item));
  const limit = options.stopAfterFailuresInARow ?? Infinity;
  let inARow = 0;
  const runner = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const item = next.value;
      try {
        await work(item);
        outcome.succeeded++;
        inARow = 0;
      } catch (err) {
        outcome.failed.push(item);
        if (++inARow >= limit) outcome.stopped = true;
        options.failures.inc({ loop: options.loop });
        const reason = err instanceof Error ? err.message : String(err);
        options.logger.error(`${options.loop}: ${describe(item)} failed, retried next run: ${reason}`);
      }
      if (outcome.stopped) return;
    }
  };
  const lanes = Math.max(1, Math.floor(options.concurrency ?? 1));
  await Promise.all(Array.from({ length: lanes }, runner));
  return outcome;
}
