import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import type { Experiment } from '../experiments/experiment.js';
import { parseQueuedAssignment } from './assignment-queue.js';
import { newAssignmentsKey, stickyAssignmentsKey, stickyRestoredKey } from './assignment.service.js';
import { AssignmentsRepository, type PersistedAssignment } from './assignments.repository.js';

const CHUNK = 5_000;
/** A restore not finished in this time (its replica died) is started again by the next tick. */
const RESTORE_TTL_MS = 600_000;

// Marks the restore done, unless Redis lost its keys again meanwhile (the token with them).
// KEYS: restoring token, restored marker.  ARGV: token.
const RESTORED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], '1')
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * Sticky assignments live in Redis (AssignmentService); the tick persists the new ones to Postgres
 * and, after Redis lost them, puts them back.
 */
@Injectable()
export class StickyPersistenceService {
  private readonly logger = new Logger(StickyPersistenceService.name);

  constructor(
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(AssignmentsRepository) private readonly assignments: AssignmentsRepository,
  ) {}

  /** First assignments still queued in Redis, for an experiment that ended (cheap when none are). */
  async queued(experimentId: string): Promise<number> {
    return this.redis.client.llen(newAssignmentsKey(experimentId));
  }

  /** Persists the queued first assignments, a chunk at a time. */
  async drain(e: Pick<Experiment, 'id' | 'key'>): Promise<void> {
    const queue = newAssignmentsKey(e.id);
    for (;;) {
      // Read, insert, then trim: a crash in between repeats the inserts (skipped as duplicates), never loses them.
      const items = await this.redis.client.lrange(queue, 0, CHUNK - 1);
      if (!items.length) break;
      await this.assignments.save(e.id, this.readable(e, items));
      await this.redis.client.ltrim(queue, items.length, -1);
    }
  }

  private readable(e: Pick<Experiment, 'key'>, items: string[]): PersistedAssignment[] {
    return items.flatMap((item) => {
      const queued = parseQueuedAssignment(item);
      if (queued.valid) return [{ unit: queued.unit, variant: queued.variant }];
      const shown = JSON.stringify(queued.unit.slice(0, 64));
      this.logger.warn(`experiment ${e.key}: dropped an assignment with an invalid unit id (${shown})`);
      return [];
    });
  }

  /**
   * Puts the persisted assignments back into the sticky hash unless the restored marker says it
   * was done since Redis last lost this experiment's keys: the hash itself may exist again already,
   * recreated by traffic since the loss. HSETNX: a unit assigned meanwhile (looked up in Postgres
   * first, see AssignmentService) keeps its variant.
   */
  async restore(e: Pick<Experiment, 'id' | 'key'>): Promise<void> {
    const marker = stickyRestoredKey(e.id);
    if (await this.redis.client.exists(marker)) return;
    const token = randomUUID();
    await this.redis.client.set(`${marker}:token`, token, 'PX', RESTORE_TTL_MS);
    const restored = await this.copySticky(e.id);
    if (restored) this.logger.warn(`experiment ${e.key}: restored ${restored} sticky assignments from Postgres`);
    await this.redis.client.eval(RESTORED, 2, `${marker}:token`, marker, token);
  }

  /** Copies every persisted assignment into the sticky hash (HSETNX); returns how many were missing. */
  private async copySticky(experimentId: string): Promise<number> {
    const sticky = stickyAssignmentsKey(experimentId);
    let copied = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await this.assignments.page(experimentId, after, CHUNK);
      if (!rows.length) break;
      const pipeline = this.redis.client.pipeline();
      for (const r of rows) pipeline.hsetnx(sticky, r.unit, r.variant);
      const results = (await pipeline.exec()) ?? [];
      // A unit not put back must not be reported restored: fail, and the next tick tries again.
      const failed = results.find(([err]) => err !== null);
      if (failed?.[0]) throw failed[0];
      copied += results.filter(([, set]) => set === 1).length;
      after = rows.at(-1)?.unit;
    }
    return copied;
  }
}
