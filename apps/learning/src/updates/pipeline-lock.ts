import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';

/** Long enough to survive a slow registry call between heartbeats, short enough to recover fast after a crash. */
const TTL_MS = 60_000;
const HEARTBEAT_MS = 15_000;

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Another update of the pipeline holds the lock; the job is retried later (BullMQ back-off). */
export class LockBusy extends Error {
  constructor(pipelineId: string) {
    super(`another update of pipeline ${pipelineId} is running`);
    this.name = 'LockBusy';
  }
}

/**
 * At most one update per pipeline across every worker and replica. The owner is the BullMQ job id:
 * a job that BullMQ hands out again after its worker died may take over its own stale lock at once
 * (BullMQ never runs one job twice at a time), while other jobs wait for the lock to expire.
 */
@Injectable()
export class PipelineLock {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  async run<T>(pipelineId: string, owner: string, work: () => Promise<T>): Promise<T> {
    const key = `learn:${pipelineId}:lock`;
    const client = this.redis.client;
    const got = (await client.set(key, owner, 'PX', TTL_MS, 'NX')) ?? ((await client.get(key)) === owner ? await client.set(key, owner, 'PX', TTL_MS, 'XX') : null);
    if (!got) throw new LockBusy(pipelineId);
    const heartbeat = setInterval(() => void client.eval(EXTEND, 1, key, owner, TTL_MS).catch(() => undefined), HEARTBEAT_MS);
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
      await client.eval(RELEASE, 1, key, owner).catch(() => undefined);
    }
  }

  async held(pipelineId: string): Promise<boolean> {
    return (await this.redis.client.exists(`learn:${pipelineId}:lock`)) === 1;
  }
}
