import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import type { ChainableCommander } from 'ioredis';
import { monitorTag } from '../monitor-keys.js';

/**
 * Ids tracked per monitor at most. Past it the oldest ids (and their labels) are evicted before
 * their horizon: counted in `ml_drift_label_index_evicted_total` and logged, never silent. About
 * 200 bytes of Redis per tracked id with its label (36-character ids), so 200 MB per full monitor.
 */
export const MAX_TRACKED_IDS = 1_000_000;
/** Expired ids removed per ingestion at most: the rest go at the next one (work per call stays bounded). */
const EXPIRE_PER_CALL = 20_000;
/** HMGET size when labels are looked up for a window (up to 200,000 ids). */
const LOOKUP_CHUNK = 5_000;

export interface LabelCounts {
  matched: number;
  replaced: number;
  unchanged: number;
  unmatched: number;
}

// Drops ids past the horizon, then the oldest beyond the cap, with their labels.
// KEYS: ids, labels, label-at. ARGV: cutoff (ms), cap, expire-per-call. Returns the ids evicted by the cap.
const TRIM = `
local function drop(victims)
  for i = 1, #victims, 1000 do
    local part = {unpack(victims, i, math.min(i + 999, #victims))}
    redis.call('ZREM', KEYS[1], unpack(part))
    redis.call('HDEL', KEYS[2], unpack(part))
    redis.call('HDEL', KEYS[3], unpack(part))
  end
end
drop(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3])))
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
if over <= 0 then return 0 end
local victims = redis.call('ZRANGE', KEYS[1], 0, over - 1)
drop(victims)
return #victims
`;

// Joins labels to tracked ids, one by one in order. KEYS: ids, labels, label-at, label-seq.
// ARGV: cutoff (ms), now (ms), then id, label pairs. Returns {matched, replaced, unchanged, unmatched};
// the label counter moves when a label was added or changed (a later check then reports again).
const JOIN = `
local cutoff = tonumber(ARGV[1])
local counts = {0, 0, 0, 0}
for i = 3, #ARGV, 2 do
  local id, label = ARGV[i], ARGV[i + 1]
  local seen = redis.call('ZSCORE', KEYS[1], id)
  if (not seen) or tonumber(seen) < cutoff then
    counts[4] = counts[4] + 1
  else
    local old = redis.call('HGET', KEYS[2], id)
    if old == label then
      counts[3] = counts[3] + 1
    else
      if old then counts[2] = counts[2] + 1 else counts[1] = counts[1] + 1 end
      redis.call('HSET', KEYS[2], id, label)
      redis.call('HSET', KEYS[3], id, ARGV[2])
    end
  end
end
if counts[1] + counts[2] > 0 then redis.call('INCR', KEYS[4]) end
return counts
`;

/** Labels found for a window's ids: the label (as stored) and when it arrived, or null. */
export interface FoundLabels {
  labels: (string | null)[];
  at: (number | null)[];
}

/**
 * Labels sent after their records. Redis, beside the window (same hash tag per monitor): a sorted
 * set of record ids scored by ingestion time (the horizon is a range on it), a hash id → label and
 * a hash id → arrival time. Bounded by the monitor's label horizon (trimmed at every ingestion)
 * and by MAX_TRACKED_IDS (evictions counted). The window's chunks carry each record's id, so a
 * check looks its window's labels up by id.
 */
@Injectable()
export class LabelIndex {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  static keys(monitorId: string) {
    const base = monitorTag(monitorId);
    return { ids: `${base}:ids`, labels: `${base}:labels`, labelAt: `${base}:label-at`, labelSeq: `${base}:label-seq` };
  }

  /** Adds to an ingestion transaction: the batch's ids, then expiry and the cap (the last result: ids evicted by the cap). */
  track(multi: ChainableCommander, monitorId: string, ids: readonly string[], now: number, horizonMs: number): void {
    const k = LabelIndex.keys(monitorId);
    const scored: (string | number)[] = [];
    for (const id of ids) scored.push(now, id);
    multi.zadd(k.ids, ...scored);
    multi.eval(TRIM, 3, k.ids, k.labels, k.labelAt, now - horizonMs, MAX_TRACKED_IDS, EXPIRE_PER_CALL);
  }

  /** Joins labels (already encoded as stored) to the ids ingested within the horizon; atomic per call. */
  async join(monitorId: string, labels: readonly { id: string; label: string }[], now: number, horizonMs: number): Promise<LabelCounts> {
    const k = LabelIndex.keys(monitorId);
    const args: (string | number)[] = [now - horizonMs, now];
    for (const l of labels) args.push(l.id, l.label);
    const raw = (await this.redis.client.eval(JOIN, 4, k.ids, k.labels, k.labelAt, k.labelSeq, ...args)) as number[];
    return { matched: raw[0]!, replaced: raw[1]!, unchanged: raw[2]!, unmatched: raw[3]! };
  }

  /** The labels of a window's ids (null ids, from records ingested before ids existed, find none). */
  async lookup(monitorId: string, ids: readonly (string | null)[]): Promise<FoundLabels | null> {
    const k = LabelIndex.keys(monitorId);
    if ((await this.redis.client.hlen(k.labels)) === 0) return null;
    const wanted: string[] = [];
    const rows: number[] = [];
    ids.forEach((id, i) => {
      if (id !== null) {
        wanted.push(id);
        rows.push(i);
      }
    });
    const pipeline = this.redis.client.pipeline();
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const part = wanted.slice(i, i + LOOKUP_CHUNK);
      pipeline.hmget(k.labels, ...part).hmget(k.labelAt, ...part);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0]!;
    const found: FoundLabels = {
      labels: new Array<string | null>(ids.length).fill(null),
      at: new Array<number | null>(ids.length).fill(null),
    };
    let j = 0;
    for (let r = 0; r < results.length; r += 2) {
      const labels = results[r]![1] as (string | null)[];
      const at = results[r + 1]![1] as (string | null)[];
      for (let x = 0; x < labels.length; x++, j++) {
        found.labels[rows[j]!] = labels[x] ?? null;
        found.at[rows[j]!] = at[x] === null || at[x] === undefined ? null : Number(at[x]);
      }
    }
    return found;
  }

  async labelSeq(monitorId: string): Promise<number> {
    return Number((await this.redis.client.get(LabelIndex.keys(monitorId).labelSeq)) ?? 0);
  }
}
