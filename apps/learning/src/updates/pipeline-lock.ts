import { Inject, Injectable } from '@nestjs/common';
import { RedisLock } from '@modelyard/platform';
import { pipelineKey } from '../pipeline-keys.js';

/** Long enough to survive a slow registry call between heartbeats, short enough to recover fast after a crash. */
const TTL_MS = 60_000;
const HEARTBEAT_MS = 15_000;

/** Another update of the pipeline holds the lock; the job is retried later (BullMQ back-off). */
export class LockBusy extends Error {
  constructor(pipelineId: string) {
    super(`another update of pipeline ${pipelineId} is running`);
    this.name = 'LockBusy';
  }
}

const keyOf = (pipelineId: string) => pipelineKey(pipelineId, 'lock');

/**
 * At most one update per pipeline across every worker and replica. The owner is the BullMQ job id:
 * a job that BullMQ hands out again after its worker died may take over its own stale lock at once
 * (BullMQ never runs one job twice at a time), while other jobs wait for the lock to expire.
 */
@Injectable()
export class PipelineLock {
  constructor(@Inject(RedisLock) private readonly lock: RedisLock) {}

  async run<T>(pipelineId: string, owner: string, work: () => Promise<T>): Promise<T> {
    const result = await this.lock.run(keyOf(pipelineId), owner, work, { ttlMs: TTL_MS, heartbeatMs: HEARTBEAT_MS });
    if (!result.acquired) throw new LockBusy(pipelineId);
    return result.value;
  }

  held(pipelineId: string): Promise<boolean> {
    return this.lock.held(keyOf(pipelineId));
  }
}
