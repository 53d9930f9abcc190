import { randomUUID } from 'node:crypto';
import { RedisService, type PlatformConfig } from '@modelyard/platform';
import { deleteInstallation, testRedisConfig } from '@modelyard/platform/testing';
import { MAX_BATCH_UNITS, ClaimBatcher } from './claim-batcher.js';
import { Claim, type ClaimInput, type StickyKeys } from './sticky-claim.js';
import { newAssignmentsKey, stickyAssignmentsKey, stickyRestoredKey } from './assignment.service.js';

// Against the real Redis, under a prefix of this file's own.
const config = { redis: testRedisConfig(`test-claims-${randomUUID().slice(0, 8)}`) } as PlatformConfig;
const redis = new RedisService(config);
afterAll(async () => {
  await deleteInstallation(config.redis.prefix);
  await redis.onApplicationShutdown();
});

/** The keys of a new experiment whose sticky hash counts as restored (new units are assigned at once). */
async function experiment(): Promise<StickyKeys> {
  const id = randomUUID();
  const keys = { sticky: stickyAssignmentsKey(id), restored: stickyRestoredKey(id), queue: newAssignmentsKey(id) };
  await redis.client.set(keys.restored, '1');
  return keys;
}

const input = (unit: string, candidate: string | null): ClaimInput => ({ unit, candidate, item: `${candidate}:${unit}` });

describe('ClaimBatcher', () => {
  it('sends the claims made in one turn of the event loop as one script call per experiment, answering each caller its own units', async () => {
    const batcher = new ClaimBatcher(() => redis.client);
    const [x, y] = [await experiment(), await experiment()];
    await redis.client.hset(x.sticky, 'old', 'b');
    const answers = await Promise.all([
      batcher.claim(x, [input('u1', 'a')]),
      batcher.claim(x, [input('old', 'a'), input('out', null)]),
      batcher.claim(y, [input('u1', 'b')]),
      // The same unit twice in one batch: the first call assigns it, the second finds it sticky.
      batcher.claim(x, [input('u1', 'b')]),
    ]);
    expect(batcher.roundTrips).toBe(2);
    expect(answers).toEqual([
      [{ claim: Claim.First, variant: 'a' }],
      [
        { claim: Claim.Sticky, variant: 'b' },
        { claim: Claim.Outside, variant: '' },
      ],
      [{ claim: Claim.First, variant: 'b' }],
      [{ claim: Claim.Sticky, variant: 'a' }],
    ]);
    expect(await redis.client.hgetall(x.sticky)).toEqual({ old: 'b', u1: 'a' });
    // Each first assignment queued once for persistence.
    expect(await redis.client.lrange(x.queue, 0, -1)).toEqual(['a:u1']);
    expect(await redis.client.lrange(y.queue, 0, -1)).toEqual(['b:u1']);
  });

  it('keeps one script call short: a turn with more than MAX_BATCH_UNITS units is split', async () => {
    const batcher = new ClaimBatcher(() => redis.client);
    const keys = await experiment();
    const calls = Array.from({ length: 3 }, (_, c) =>
      batcher.claim(
        keys,
        Array.from({ length: MAX_BATCH_UNITS / 2 + 1 }, (_, i) => input(`c${c}-${i}`, 'a')),
      ),
    );
    const answers = await Promise.all(calls);
    expect(batcher.roundTrips).toBe(3);
    expect(answers.map((a) => a.length)).toEqual([251, 251, 251]);
    expect(answers.flat().every((a) => a.claim === Claim.First && a.variant === 'a')).toBe(true);
    expect(await redis.client.hlen(keys.sticky)).toBe(753);
  });

  it('rejects every caller of a batch whose call fails, and later batches go on', async () => {
    const batcher = new ClaimBatcher(() => redis.client);
    const keys = await experiment();
    // A sticky key of the wrong type makes the script fail (WRONGTYPE) for the whole batch.
    await redis.client.set(keys.sticky, 'not a hash');
    const failed = await Promise.allSettled([batcher.claim(keys, [input('a', 'a')]), batcher.claim(keys, [input('b', 'a')])]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    await redis.client.del(keys.sticky);
    expect(await batcher.claim(keys, [input('a', 'a')])).toEqual([{ claim: Claim.First, variant: 'a' }]);
  });
});
