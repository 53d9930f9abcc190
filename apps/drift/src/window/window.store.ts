import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import { RecentRecord } from '@modelyard/types';
import type { ChainableCommander } from 'ioredis';
import { z } from 'zod';
import { LabelIndex } from '../labels/label-index.js';
import { monitorTag } from '../monitor-keys.js';

/** Recent records kept for `GET /records` (newest first), whatever the window size. */
export const RECENT_RECORDS = 1_000;
/** Hourly aggregates are kept this long (the dashboard shows the last 24 hours). */
const HOURLY_TTL_SECONDS = 8 * 86_400;

/** Per-hour sums for the dashboard: records, success reports, latency, labelled records. */
export interface HourlyDelta {
  n: number;
  successN: number;
  success: number;
  latencyN: number;
  latencySum: number;
  labelled: number;
  correct: number;
}
export const HOURLY_FIELDS = ['n', 'successN', 'success', 'latencyN', 'latencySum', 'labelled', 'correct'] as const;

const RecentRecords = z.array(RecentRecord);
export type RecentRecord = z.infer<typeof RecentRecord>;

// Drops the oldest chunks while the rest still cover the window. KEYS: chunks, counts, in-window
// count. ARGV: window size. The newest chunk always stays, so a window is never empty after ingestion.
const TRIM = `
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
local size = tonumber(ARGV[1])
while true do
  local first = tonumber(redis.call('LINDEX', KEYS[2], 0) or '0')
  if first == 0 or total - first < size then break end
  redis.call('LPOP', KEYS[1])
  redis.call('LPOP', KEYS[2])
  total = total - first
end
redis.call('SET', KEYS[3], total)
return total
`;

/**
 * A monitor's hot state in Redis: the window as a list of packed column chunks (one per batch,
 * trimmed to the window size), the ingested-record counter (the window's sequence number), the
 * recent records and hourly aggregates. Keys share a hash tag per monitor.
 */
@Injectable()
export class WindowStore {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  private keys(monitorId: string) {
    const base = monitorTag(monitorId);
    return {
      chunks: `${base}:chunks`,
      counts: `${base}:counts`,
      inWindow: `${base}:in-window`,
      seq: `${base}:seq`,
      recent: `${base}:recent`,
      hour: (h: number) => `${base}:h:${h}`,
    };
  }

  /**
   * Appends one validated batch atomically (MULTI): window chunk, counter, recent records, hourly
   * sums, and what `more` adds (the label index); answers the new counter and the results of `more`.
   */
  async append(
    monitorId: string,
    windowSize: number,
    chunk: Buffer,
    n: number,
    recent: string[],
    hourly: Map<number, HourlyDelta>,
    more?: (multi: ChainableCommander) => void,
  ): Promise<{ recordsIngested: number; more: unknown[] }> {
    const k = this.keys(monitorId);
    const multi = this.redis.client
      .multi()
      .rpush(k.chunks, chunk)
      .rpush(k.counts, n)
      .incrby(k.inWindow, n)
      .incrby(k.seq, n)
      .eval(TRIM, 3, k.chunks, k.counts, k.inWindow, windowSize);
    if (recent.length) multi.lpush(k.recent, ...recent.slice(-RECENT_RECORDS)).ltrim(k.recent, 0, RECENT_RECORDS - 1);
    for (const [hour, delta] of hourly) {
      const key = k.hour(hour);
      for (const field of HOURLY_FIELDS) if (delta[field]) multi.hincrbyfloat(key, field, delta[field]);
      multi.expire(key, HOURLY_TTL_SECONDS);
    }
    const before = multi.length;
    more?.(multi);
    const added = multi.length - before;
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error('ingestion transaction aborted');
    return { recordsIngested: Number(results[3]![1]), more: results.slice(results.length - added).map(([, value]) => value) };
  }

  /**
   * The sequence number, the label counter and the window's chunks, read together (one MULTI) so
   * they agree: a report is identified by the record and label counters it saw.
   */
  async read(monitorId: string): Promise<{ seq: number; labelSeq: number; chunks: Buffer[] }> {
    const k = this.keys(monitorId);
    const labelSeq = LabelIndex.keys(monitorId).labelSeq;
    const results = await this.redis.client.multi().get(k.seq).get(labelSeq).lrangeBuffer(k.chunks, 0, -1).exec();
    if (!results) throw new Error('window read aborted');
    return { seq: Number(results[0]![1] ?? 0), labelSeq: Number(results[1]![1] ?? 0), chunks: (results[2]![1] as Buffer[]) ?? [] };
  }

  /** The record and label counters (what identifies the report of the current window). */
  async counters(monitorId: string): Promise<{ seq: number; labelSeq: number }> {
    const [seq, labelSeq] = await this.redis.client.mget(this.keys(monitorId).seq, LabelIndex.keys(monitorId).labelSeq);
    return { seq: Number(seq ?? 0), labelSeq: Number(labelSeq ?? 0) };
  }

  async seq(monitorId: string): Promise<number> {
    return Number((await this.redis.client.get(this.keys(monitorId).seq)) ?? 0);
  }

  async seqs(monitorIds: string[]): Promise<number[]> {
    if (!monitorIds.length) return [];
    // One GET each, not an MGET: the monitors' keys are in different cluster slots.
    const values = await Promise.all(monitorIds.map((id) => this.redis.client.get(this.keys(id).seq)));
    return values.map((v) => Number(v ?? 0));
  }

  /** The newest `limit` records as ingested (stored as JSON by `append`, parsed here). */
  async recent(monitorId: string, limit: number): Promise<RecentRecord[]> {
    const stored = await this.redis.client.lrange(this.keys(monitorId).recent, 0, limit - 1);
    return RecentRecords.parse(stored.map((s): unknown => JSON.parse(s)));
  }

  /** Hourly sums of the given hours (epoch hours), in that order. */
  async hourly(monitorId: string, hours: number[]): Promise<HourlyDelta[]> {
    const pipeline = this.redis.client.pipeline();
    for (const h of hours) pipeline.hgetall(this.keys(monitorId).hour(h));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, raw]) => {
      const r = new Map(Object.entries(raw ?? {}));
      const field = (f: (typeof HOURLY_FIELDS)[number]) => Number(r.get(f) ?? 0);
      return {
        n: field('n'),
        successN: field('successN'),
        success: field('success'),
        latencyN: field('latencyN'),
        latencySum: field('latencySum'),
        labelled: field('labelled'),
        correct: field('correct'),
      };
    });
  }

  async clear(monitorId: string): Promise<void> {
    const k = this.keys(monitorId);
    const l = LabelIndex.keys(monitorId);
    await this.redis.client.del(k.chunks, k.counts, k.inWindow, k.seq, k.recent, l.ids, l.labels, l.labelAt, l.labelSeq);
  }
}
