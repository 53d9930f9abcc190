import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import { BUCKET_TTL_SECONDS, BucketStore, replies, type Schema } from './bucket-store.js';
import { HOUR_MS, SealedSummary } from './bucket-summary.js';
import { HOURS_PER_DAY, planWindow, rangeShape, rollUpTargets, type HourRange } from './window-plan.js';
import { monitorKey } from '../monitor-keys.js';

/** A stored roll-up as read: the hour versions it was made from (summed) and its summary bytes. */
type Stored = [Buffer | null, Buffer | null];

const EMPTY: Buffer[] = [];

/**
 * Roll-ups of hourly summaries, so a window of days is a handful of merges, not one per hour:
 * per day, every run of complete hours ending the day (`first`…end of day: the whole day and the
 * end of a window's first day) and the current day's run so far. Each is a Redis hash `{ver, sum}`
 * at `{mon:<id>}:sk:r:<first>:<last>`: the summary, and the sum of the versions of its hours when
 * they were read (`BucketStore.versionKey`, bumped by every batch, in the same MULTI as the reads).
 * Versions only grow, so a roll-up is current exactly when its sum equals the hours' sum now; a
 * late record makes every roll-up over its hour stale, and the next read makes it again.
 */
@Injectable()
export class RollUpStore {
  private readonly logger = new Logger(RollUpStore.name);

  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  static key(monitorId: string, r: HourRange): string {
    return monitorKey(monitorId, `sk:r:${r.first}:${r.last}`);
  }

  /**
   * The merged summary of consecutive hours: in one pipelined MULTI, the hours' versions, the
   * window's roll-ups and the lists of its incomplete hours; a missing or stale roll-up is made
   * (and stored) from its hours. Decoded as views, merged in one pass per feature.
   */
  async read(monitorId: string, schema: Schema, hours: readonly number[], nowMs = Date.now()): Promise<SealedSummary> {
    const plan = planWindow(hours, nowMs);
    const multi = this.redis.client.multi().mget(...hours.map((h) => BucketStore.versionKey(monitorId, h)));
    for (const r of plan)
      if (r.first === r.last) multi.lrangeBuffer(BucketStore.key(monitorId, r.first), 0, -1);
      else multi.hmgetBuffer(RollUpStore.key(monitorId, r), 'ver', 'sum');
    const [versions, ...results] = replies(await multi.exec()) as [(string | null)[], ...unknown[]];
    const sumOf = versionSums(hours, versions);
    const parts: SealedSummary[] = [];
    for (const [i, r] of plan.entries()) {
      if (r.first === r.last) for (const e of (results[i] as Buffer[]) ?? EMPTY) parts.push(SealedSummary.decode(schema, e));
      else {
        const bytes = current(results[i] as Stored, sumOf(r));
        parts.push(bytes ? SealedSummary.decode(schema, bytes) : await this.make(monitorId, schema, r, nowMs));
      }
    }
    return parts.length === 1 ? parts[0]! : SealedSummary.merge(schema, parts);
  }

  /**
   * Makes the roll-ups the scheduled check keeps current (see `rollUpTargets`), shortest first so
   * each grows from the one before by one hour. Returns how many were made; hours without data are skipped.
   */
  async refresh(monitorId: string, schema: Schema, nowMs = Date.now(), days = BUCKET_TTL_SECONDS / 86_400): Promise<number> {
    const targets = rollUpTargets(nowMs, days);
    const firstIncomplete = Math.floor(nowMs / HOUR_MS);
    const hours = Array.from({ length: (days + 1) * HOURS_PER_DAY }, (_, i) => firstIncomplete - (days + 1) * HOURS_PER_DAY + i);
    const multi = this.redis.client.multi().mget(...hours.map((h) => BucketStore.versionKey(monitorId, h)));
    for (const r of targets) multi.hget(RollUpStore.key(monitorId, r), 'ver');
    const [versions, ...stored] = replies(await multi.exec()) as [(string | null)[], ...(string | null)[]];
    const sumOf = versionSums(hours, versions);
    let made = 0;
    for (const [i, r] of targets.entries()) {
      if (sumOf(r) === 0 || Number(stored[i]) === sumOf(r)) continue;
      await this.make(monitorId, schema, r, nowMs);
      made++;
    }
    return made;
  }

  /**
   * Makes and stores one roll-up. From its neighbour one hour shorter when that is current (a day's
   * end grows leftwards, a day's start rightwards: one two-summary merge), else from all its hours,
   * storing on the way every shorter roll-up of the same shape, so the next hour's is one merge away.
   */
  private async make(monitorId: string, schema: Schema, r: HourRange, nowMs: number): Promise<SealedSummary> {
    const shape = rangeShape(r);
    const neighbour = shape === 'day-end' ? { first: r.first + 1, last: r.last } : { first: r.first, last: r.last - 1 };
    const added = shape === 'day-end' ? r.first : r.last;
    const hours = Array.from({ length: r.last - r.first + 1 }, (_, i) => r.first + i);
    if (neighbour.first < neighbour.last && shape !== 'inner') {
      const multi = this.redis.client
        .multi()
        .mget(...hours.map((h) => BucketStore.versionKey(monitorId, h)))
        .hmgetBuffer(RollUpStore.key(monitorId, neighbour), 'ver', 'sum')
        .lrangeBuffer(BucketStore.key(monitorId, added), 0, -1);
      const [versions, stored, list] = replies(await multi.exec()) as [(string | null)[], Stored, Buffer[]];
      const sumOf = versionSums(hours, versions);
      const base = current(stored, sumOf(neighbour));
      if (base) {
        const summary = SealedSummary.merge(schema, [
          SealedSummary.decode(schema, base),
          ...list.map((e) => SealedSummary.decode(schema, e)),
        ]);
        await this.save(monitorId, r, sumOf(r), summary, nowMs);
        return summary;
      }
    }
    return this.makeFromHours(monitorId, schema, r, hours, nowMs);
  }

  /** Reads every hour of `r` (with their versions, in one MULTI) and stores the roll-ups of its shape on the way. */
  private async makeFromHours(monitorId: string, schema: Schema, r: HourRange, hours: number[], nowMs: number): Promise<SealedSummary> {
    const multi = this.redis.client.multi().mget(...hours.map((h) => BucketStore.versionKey(monitorId, h)));
    for (const h of hours) multi.lrangeBuffer(BucketStore.key(monitorId, h), 0, -1);
    const [versions, ...lists] = replies(await multi.exec()) as [(string | null)[], ...Buffer[][]];
    const sumOf = versionSums(hours, versions);
    const hourly = lists.map((list) =>
      SealedSummary.merge(
        schema,
        (list ?? EMPTY).map((e) => SealedSummary.decode(schema, e)),
      ),
    );
    const shape = rangeShape(r);
    // A run inside a day (a window of a few hours) is seldom asked for again: not stored.
    if (shape === 'inner') return SealedSummary.merge(schema, hourly);
    // A day's end grows from its last hour leftwards; a day's start from its first hour rightwards.
    const order = shape === 'day-end' ? [...hours.keys()].reverse() : [...hours.keys()];
    let summary = hourly[order[0]!]!;
    let grown: HourRange = { first: hours[order[0]!]!, last: hours[order[0]!]! };
    for (const i of order.slice(1)) {
      summary = SealedSummary.merge(schema, shape === 'day-end' ? [hourly[i]!, summary] : [summary, hourly[i]!]);
      grown = shape === 'day-end' ? { first: hours[i]!, last: grown.last } : { first: grown.first, last: hours[i]! };
      await this.save(monitorId, grown, sumOf(grown), summary, nowMs);
    }
    return summary;
  }

  /**
   * Stores a roll-up for as long as its last hour is kept; the start of a day only until the day
   * is over (a window never starts a later day with it).
   */
  private async save(monitorId: string, r: HourRange, versionSum: number, summary: SealedSummary, nowMs: number) {
    const keptUntil =
      rangeShape(r) === 'day-start'
        ? (Math.floor(r.first / HOURS_PER_DAY) + 1) * HOURS_PER_DAY * HOUR_MS + HOUR_MS
        : (r.last + 1) * HOUR_MS + BUCKET_TTL_SECONDS * 1000;
    const ttl = Math.ceil((keptUntil - nowMs) / 1000);
    if (ttl <= 0) return;
    const key = RollUpStore.key(monitorId, r);
    try {
      await this.redis.client.multi().hset(key, 'ver', String(versionSum), 'sum', summary.encode()).expire(key, ttl).exec();
    } catch (err) {
      // The roll-up is made again on the next read: the check itself goes on.
      this.logger.warn(`storing roll-up ${key} failed: ${(err as Error).message}`);
    }
  }
}

/** Sum of the versions of a range of hours (missing version keys count 0), from versions read for `hours`. */
function versionSums(hours: readonly number[], versions: readonly (string | null)[]): (r: HourRange) => number {
  const start = hours[0] ?? 0;
  const prefix = [0];
  for (const v of versions) prefix.push(prefix.at(-1)! + Number(v ?? 0));
  return (r) => prefix[r.last - start + 1]! - prefix[r.first - start]!;
}

/** The stored roll-up's summary bytes, when it was made from the hours' current versions. */
function current(stored: Stored | null, versionSum: number): Buffer | null {
  const [ver, sum] = stored ?? [null, null];
  return ver && sum && Number(ver.toString()) === versionSum ? sum : null;
}
