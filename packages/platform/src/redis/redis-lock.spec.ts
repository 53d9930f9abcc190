import { randomUUID } from 'node:crypto';
import type { PlatformConfig } from '../config/platform-config.js';
import { deleteInstallation, testRedisConfig } from '../testing/redis.js';
import { RedisLock } from './redis-lock.js';
import { RedisService } from './redis.service.js';

// Against the real Redis, under a prefix of this file's own.
const config = {
  redis: testRedisConfig(`test-lock-${randomUUID().slice(0, 8)}`),
} as PlatformConfig;
const redis = new RedisService(config);
const lock = new RedisLock(redis);
afterAll(async () => {
  await deleteInstallation(config.redis.prefix);
  await redis.onApplicationShutdown();
});

describe('RedisLock', () => {
  it('runs the work while holding the key, and refuses another owner meanwhile', async () => {
    const inner = await lock.run('a', 'one', async () => {
      expect(await lock.held('a')).toBe(true);
      return lock.run('a', 'two', async () => 'never');
    });
    expect(inner).toEqual({ acquired: true, value: { acquired: false } });
    expect(await lock.held('a')).toBe(false);
  });

  it('lets the same owner take over its own stale lock at once', async () => {
    await redis.client.set('b', 'job-7', 'PX', 60_000);
    expect(await lock.run('b', 'job-7', async () => 42)).toEqual({ acquired: true, value: 42 });
    expect(await lock.held('b')).toBe(false);
  });

  it('never releases a lock that another owner took after it expired', async () => {
    const result = await lock.run(
      'c',
      'slow',
      async () => {
        // The holder outlived its TTL and someone else holds the key now.
        await redis.client.set('c', 'other', 'PX', 60_000);
        return 'done';
      },
      { ttlMs: 60_000 },
    );
    expect(result).toEqual({ acquired: true, value: 'done' });
    expect(await redis.client.get('c')).toBe('other');
  });

  it('waits for a held lock up to waitMs, and is extended by its heartbeat', async () => {
    const first = lock.run('d', 'first', () => new Promise((resolve) => setTimeout(() => resolve('first'), 400)), {
      ttlMs: 200,
      heartbeatMs: 50,
    });
    await new Promise((r) => setTimeout(r, 20));
    // Without the heartbeat the 200 ms TTL would lapse before the 400 ms work ends.
    expect(await lock.run('d', 'second', async () => 'second', { waitMs: 0 })).toEqual({ acquired: false });
    await new Promise((r) => setTimeout(r, 280));
    expect(await lock.held('d')).toBe(true);
    const second = await lock.run('d', 'second', async () => 'second', { waitMs: 2_000 });
    expect(await first).toEqual({ acquired: true, value: 'first' });
    expect(second).toEqual({ acquired: true, value: 'second' });
  });
});
