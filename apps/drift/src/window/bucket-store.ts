import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import type { ColumnKind } from '@modelyard/types';
import type { ChainableCommander } from 'ioredis';
import { SealedSummary, type BucketSummary } from './bucket-summary.js';
import { monitorKey } from '../monitor-keys.js';

/** Hourly summaries are kept this long after their last write (a 7-day window, plus a day of slack). */
export const BUCKET_TTL_SECONDS = 8 * 86_400;
/** A bucket's list is compacted (its summaries merged into one) once it holds this many. */
const COMPACT_AT = 32;
const LOCK_MS = 30_000;

// Replaces the first ARGV[2] summaries of the list by their merge, only while the caller still holds
// the bucket's lock: a compactor that lost its lock (stalled past LOCK_MS) writes nothing, so a
// summary is never dropped or merged twice. Appends only ever go to the tail, so the first
// ARGV[2] entries are exactly the ones the caller read. KEYS: list, lock. ARGV: token, count, merged, ttl.
const COMPACT = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
redis.call('LPUSH', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('DEL', KEYS[2])
return 1
`;

export type Schema = readonly { name: string; kind: ColumnKind }[];

/**
 * Per monitor and hour (by record time) a Redis list of bucket summaries (`bucket-summary.ts`):
 * each ingested batch pushes its summary in the batch's own MULTI, so a summary is stored exactly
 * when the batch is; lists are compacted under a lock by a Lua step that checks the lock.
 */
@Injectable()
export class BucketStore {
  private readonly logger = new Logger(BucketStore.name);

  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  static key(monitorId: string, hour: number): string {
    return monitorKey(monitorId, `sk:${hour}`);
  }

  /** Bumped by every batch with records in the hour: roll-ups covering the hour record the versions they saw. */
  static versionKey(monitorId: string, hour: number): string {
    return monitorKey(monitorId, `sk:v:${hour}`);
  }

  /** Adds the batch's summaries to the ingestion MULTI, bumping each hour's version. */
  append(multi: ChainableCommander, monitorId: string, summaries: Map<number, BucketSummary>, ttlSeconds = BUCKET_TTL_SECONDS): void {
    for (const [hour, summary] of summaries) {
      const key = BucketStore.key(monitorId, hour);
      const version = BucketStore.versionKey(monitorId, hour);
      multi.rpush(key, summary.encode()).expire(key, ttlSeconds).incr(version).expire(version, ttlSeconds);
    }
  }

  /** Compacts the hours' lists that have grown long; a failure leaves them as they were (and is only logged). */
  async compactLong(monitorId: string, schema: Schema, hours: Iterable<number>): Promise<void> {
    for (const hour of hours) {
      const key = BucketStore.key(monitorId, hour);
      try {
        if ((await this.redis.client.llen(key)) >= COMPACT_AT) await this.compact(key, schema);
      } catch (err) {
        this.logger.warn(`compaction of ${key} failed: ${(err as Error).message}`);
      }
    }
  }

  async compact(key: string, schema: Schema): Promise<boolean> {
    const lock = `${key}:lock`;
    const token = randomUUID();
    if ((await this.redis.client.set(lock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return false;
    const entries = await this.redis.client.lrangeBuffer(key, 0, -1);
    if (entries.length < 2) {
      await this.redis.client.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end`, 1, lock, token);
      return false;
    }
    const merged = SealedSummary.merge(
      schema,
      entries.map((e) => SealedSummary.decode(schema, e)),
    );
    const ttl = Math.max(1, await this.redis.client.ttl(key));
    return (await this.redis.client.eval(COMPACT, 2, key, lock, token, entries.length, merged.encode(), ttl)) === 1;
  }

  /** Whether any of the hours has a summary (one EXISTS over their keys). */
  async hasData(monitorId: string, hours: readonly number[]): Promise<boolean> {
    return hours.length > 0 && (await this.redis.client.exists(...hours.map((h) => BucketStore.key(monitorId, h)))) > 0;
  }

  /** Removes the hours' lists (monitor deletion). */
  async clear(monitorId: string, hours: readonly number[]): Promise<void> {
    if (hours.length) await this.redis.client.del(...hours.map((h) => BucketStore.key(monitorId, h)));
  }
}

/** The results of a MULTI, or its first error. */
export function replies(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
