import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from './redis.service.js';

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisLockOptions {
  /** The lock expires this long after its last heartbeat, so a crashed holder frees it. Default 60 s. */
  ttlMs?: number;
  /** How often the holder extends it while working. Default ttlMs / 4. */
  heartbeatMs?: number;
  /** How long to wait for a lock someone else holds. Default 0: give up at once. */
  waitMs?: number;
}

export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * A lock across every replica, held by a named owner: extended while the work runs, released only
 * by its owner (a holder that outlived its TTL never frees a lock someone else took since), and
 * taken over at once by the same owner (e.g. a BullMQ job re-delivered after its worker died).
 */
@Injectable()
export class RedisLock {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  async run<T>(key: string, owner: string, work: () => Promise<T>, options: RedisLockOptions = {}): Promise<LockResult<T>> {
    const ttlMs = options.ttlMs ?? 60_000;
    const client = this.redis.client;
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const got =
        (await client.set(key, owner, 'PX', ttlMs, 'NX')) ??
        ((await client.get(key)) === owner ? await client.set(key, owner, 'PX', ttlMs, 'XX') : null);
      if (got) break;
      if (Date.now() >= deadline) return { acquired: false };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const heartbeat = setInterval(
      () => void client.eval(EXTEND, 1, key, owner, ttlMs).catch(() => undefined),
      options.heartbeatMs ?? ttlMs / 4,
    );
    try {
      return { acquired: true, value: await work() };
    } finally {
      clearInterval(heartbeat);
      await client.eval(RELEASE, 1, key, owner).catch(() => undefined);
    }
  }

  async held(key: string): Promise<boolean> {
    return (await this.redis.client.exists(key)) === 1;
  }
}
