import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import type { SampleRow } from '@modelyard/types';
import { pipelineKey } from '../pipeline-keys.js';

/**
 * The bounded sample buffer of each pipeline, in Redis: a list of JSON rows, oldest first.
 *
 * Every sample ever accepted has an absolute number; `head` is the number of the list's first
 * element. An update reads the first k rows without removing them and records, in the same Postgres
 * transaction as its checkpoint, `consumedThrough` = head + k. Only then are the rows trimmed
 * (`trimTo`), and every run trims to the recorded mark before it reads. So a crash anywhere leaves
 * each acknowledged sample either not yet learned (still buffered) or learned and committed (trimmed
 * on the next run): none is lost and none is learned twice.
 *
 * Past `maxBuffer` the oldest rows are dropped (counted); a row dropped while an update holds it
 * has still been learned by that update.
 */
const PUSH = `
local len = 0
for i = 3, #ARGV, 1000 do
  len = redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
-- A missing head (new pipeline, or Redis lost its data) starts at what Postgres says was consumed.
redis.call('SETNX', KEYS[2], ARGV[2])
local excess = len - tonumber(ARGV[1])
if excess > 0 then
  redis.call('LTRIM', KEYS[1], excess, -1)
  redis.call('INCRBY', KEYS[2], excess)
  redis.call('INCRBY', KEYS[3], excess)
  return {len - excess, excess}
end
return {len, 0}`;

const READ = `
local head = redis.call('GET', KEYS[2]) or ARGV[2]
return {head, redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)}`;

const TRIM_TO = `
local head = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
local n = tonumber(ARGV[1]) - head
if n > 0 then
  redis.call('LTRIM', KEYS[1], n, -1)
  redis.call('SET', KEYS[2], ARGV[1])
end
return redis.call('LLEN', KEYS[1])`;

const SPAN = `
return {redis.call('GET', KEYS[2]) or ARGV[1], redis.call('LLEN', KEYS[1])}`;

const READ_RANGE = `
local head = tonumber(redis.call('GET', KEYS[2]) or ARGV[3])
local start = tonumber(ARGV[1]) - head
if start < 0 then return {head, {}} end
return {head, redis.call('LRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)}`;

/** Some samples of a range were dropped (the buffer was full) or trimmed before they were read. */
export class SamplesGone extends Error {
  constructor(
    readonly from: number,
    readonly head: number,
  ) {
    super(`samples from ${from} are no longer buffered (the buffer starts at ${head})`);
  }
}

/** The Redis list holding a pipeline's buffered samples (under the installation's key prefix). */
export const bufferKey = (pipelineId: string) => pipelineKey(pipelineId, 'buffer');

export interface BufferedBatch {
  /** Absolute number of `rows[0]`. */
  head: number;
  rows: SampleRow[];
}

@Injectable()
export class BufferStore {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  private keys(pipelineId: string): [string, string, string] {
    return [bufferKey(pipelineId), pipelineKey(pipelineId, 'head'), pipelineKey(pipelineId, 'dropped')];
  }

  /** Appends the rows (atomically); returns the buffer size and how many old rows were dropped. */
  async push(
    pipelineId: string,
    rows: readonly SampleRow[],
    maxBuffer: number,
    consumedThrough: bigint,
  ): Promise<{ size: number; dropped: number }> {
    const [size, dropped] = (await this.redis.client.eval(
      PUSH,
      3,
      ...this.keys(pipelineId),
      maxBuffer,
      consumedThrough.toString(),
      ...rows.map((r) => JSON.stringify(r)),
    )) as [number, number];
    return { size, dropped };
  }

  /** The first `limit` rows and the absolute number of the first, as one consistent snapshot. */
  async read(pipelineId: string, limit: number, consumedThrough: bigint): Promise<BufferedBatch> {
    const [head, raw] = (await this.redis.client.eval(READ, 3, ...this.keys(pipelineId), limit, consumedThrough.toString())) as [
      string,
      string[],
    ];
    return { head: Number(head), rows: raw.map((r) => JSON.parse(r) as SampleRow) };
  }

  /** The absolute number of the first buffered row and how many are buffered, as one snapshot. */
  async span(pipelineId: string, consumedThrough: bigint): Promise<{ head: number; size: number }> {
    const [head, size] = (await this.redis.client.eval(SPAN, 3, ...this.keys(pipelineId), consumedThrough.toString())) as [string, number];
    return { head: Number(head), size };
  }

  /**
   * Up to `count` rows from absolute number `from` on (fewer at the buffer's end). Throws
   * SamplesGone when the buffer no longer starts at or before `from`.
   */
  async readRange(pipelineId: string, from: number, count: number, consumedThrough: bigint): Promise<SampleRow[]> {
    const [head, raw] = (await this.redis.client.eval(
      READ_RANGE,
      3,
      ...this.keys(pipelineId),
      from,
      count,
      consumedThrough.toString(),
    )) as [number, string[]];
    if (head > from) throw new SamplesGone(from, head);
    return raw.map((r) => JSON.parse(r) as SampleRow);
  }

  /** Removes every row numbered below `consumedThrough` (a no-op when already done); returns the size left. */
  trimTo(pipelineId: string, consumedThrough: bigint): Promise<number> {
    return this.redis.client.eval(TRIM_TO, 3, ...this.keys(pipelineId), consumedThrough.toString()) as Promise<number>;
  }

  size(pipelineId: string): Promise<number> {
    return this.redis.client.llen(this.keys(pipelineId)[0]);
  }

  async dropped(pipelineId: string): Promise<number> {
    return Number((await this.redis.client.get(this.keys(pipelineId)[2])) ?? 0);
  }

  async remove(pipelineId: string): Promise<void> {
    await this.redis.client.del(...this.keys(pipelineId));
  }
}
