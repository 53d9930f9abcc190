import { Counter, Registry } from 'prom-client';
import { forEachIsolated } from './for-each-isolated.js';

function setup() {
  const registry = new Registry();
  const failures = new Counter({ name: 'ml_background_failures_total', help: 'h', labelNames: ['loop'], registers: [registry] });
  const lines: string[] = [];
  const logger = { error: (m: string) => lines.push(m) };
  const count = async (loop: string) => (await failures.get()).values.find((v) => v.labels.loop === loop)?.value ?? 0;
  return { failures, lines, logger, count };
}

describe('forEachIsolated', () => {
  it('goes on past a failing item: logs it by name, counts it per loop and reports it', async () => {
    const { failures, lines, logger, count } = setup();
    const done: number[] = [];
    const outcome = await forEachIsolated(
      [1, 2, 3, 4],
      async (n) => {
        if (n === 2) throw new Error('poisoned');
        done.push(n);
      },
      { loop: 'test-loop', logger, failures, describe: (n) => `item ${n}` },
    );
    expect(done).toEqual([1, 3, 4]);
    expect(outcome).toEqual({ succeeded: 3, failed: [2], stopped: false });
    expect(await count('test-loop')).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('test-loop: item 2 failed');
    expect(lines[0]).toContain('poisoned');
  });

  it('runs up to `concurrency` items at once, each exactly once', async () => {
    const { failures, logger } = setup();
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachIsolated(
      Array.from({ length: 20 }, (_, i) => i),
      async (n) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        seen.push(n);
        active--;
      },
      { loop: 'c', logger, failures, concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('counts a synchronous throw like a rejection', async () => {
    const { failures, logger, count } = setup();
    const outcome = await forEachIsolated(['a', 'b'], (s) => (s === 'a' ? (JSON.parse('{') as Promise<void>) : Promise.resolve()), {
      loop: 's',
      logger,
      failures,
    });
    expect(outcome.succeeded).toBe(1);
    expect(await count('s')).toBe(1);
  });

  it('stops after failures in a row (a dependency is down), leaving the rest for the next run', async () => {
    const { failures, logger, count, lines } = setup();
    const tried: number[] = [];
    const outcome = await forEachIsolated(
      Array.from({ length: 10 }, (_, i) => i),
      async (n) => {
        tried.push(n);
        // One poisoned item, then the dependency goes down.
        if (n === 1 || n >= 4) throw new Error('down');
      },
      { loop: 'down', logger, failures, stopAfterFailuresInARow: 3 },
    );
    expect(tried).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(outcome).toEqual({ succeeded: 3, failed: [1, 4, 5, 6], stopped: true });
    expect(await count('down')).toBe(4);
    expect(lines).toHaveLength(4);
  });
});
