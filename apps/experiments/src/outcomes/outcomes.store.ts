import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import type { MetricSummary } from '@modelyard/types';
import type { StoredAggregates } from './stats-snapshot.js';

/**
 * One exposure or event, already assigned: `metric` empty for exposures. `binary` caps the unit's
 * value at 1 (a conversion counts once however often it is reported).
 */
export interface Outcome {
  unit: string;
  variant: string;
  metric: string;
  value: number;
  binary: boolean;
}

// Applies a batch atomically. Per variant it keeps n (exposed units), and per variant and metric
// the sum and the sum of squares of the units' totals; each unit's running total is kept so a new
// event updates the sum of squares exactly: Q += (t + v)^2 - t^2. An event also exposes its unit.
// KEYS: exposed units, variant counts, unit totals, sums.  ARGV: 5 values per outcome.
const APPLY = `
local accepted = 0
for i = 1, #ARGV, 5 do
  local unit, variant, metric, value, binary = ARGV[i], ARGV[i+1], ARGV[i+2], tonumber(ARGV[i+3]), ARGV[i+4]
  if redis.call('HSETNX', KEYS[1], unit, variant) == 1 then
    redis.call('HINCRBY', KEYS[2], variant, 1)
  end
  if metric ~= '' then
    local field = metric .. '|' .. unit
    local old = tonumber(redis.call('HGET', KEYS[3], field) or '0')
    local new = old + value
    if binary == '1' then new = math.min(1, new) end
    if new ~= old then
      redis.call('HSET', KEYS[3], field, new)
      redis.call('HINCRBYFLOAT', KEYS[4], variant .. '|' .. metric .. '|s', new - old)
      redis.call('HINCRBYFLOAT', KEYS[4], variant .. '|' .. metric .. '|q', new * new - old * old)
    end
  end
  accepted = accepted + 1
end
return accepted
`;

@Injectable()
export class OutcomesStore {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  private keys(experimentId: string) {
    const base = `exp:${experimentId}`;
    return [`${base}:exposed`, `${base}:n`, `${base}:totals`, `${base}:sums`];
  }

  async apply(experimentId: string, outcomes: Outcome[]): Promise<number> {
    if (!outcomes.length) return 0;
    const args = outcomes.flatMap((o) => [o.unit, o.variant, o.metric, String(o.value), o.binary ? '1' : '0']);
    return Number(await this.redis.client.eval(APPLY, 4, ...this.keys(experimentId), ...args));
  }

  /** The aggregates as stored: n per variant, and `variant|metric|s` / `|q` sums. */
  async raw(experimentId: string): Promise<{ n: Record<string, string>; sums: Record<string, string> }> {
    const [, nKey, , sumsKey] = this.keys(experimentId);
    const [n, sums] = await Promise.all([this.redis.client.hgetall(nKey!), this.redis.client.hgetall(sumsKey!)]);
    return { n, sums };
  }

  /** Puts snapshotted aggregates back after Redis lost them (the per-unit detail is not restored). */
  async restore(experimentId: string, aggregates: StoredAggregates): Promise<void> {
    const [, nKey, , sumsKey] = this.keys(experimentId);
    const pipeline = this.redis.client.pipeline();
    if (aggregates.n.size) pipeline.hset(nKey!, aggregates.n);
    if (aggregates.sums.size) pipeline.hset(sumsKey!, aggregates.sums);
    await pipeline.exec();
  }

  /** Sufficient statistics per variant and metric; units without events count with value 0. */
  async summaries(experimentId: string, variants: string[], metrics: string[]): Promise<Record<string, Record<string, MetricSummary>>> {
    const [, nKey, , sumsKey] = this.keys(experimentId);
    const [counts, sums] = await Promise.all([this.redis.client.hgetall(nKey!), this.redis.client.hgetall(sumsKey!)]);
    // Own fields only: a variant or metric named `constructor` must not read Object.prototype's.
    const field = (hash: Record<string, string>, name: string) => Number(Object.hasOwn(hash, name) ? hash[name] : 0);
    const summary = (v: string, m: string): MetricSummary => ({
      n: field(counts, v),
      sum: field(sums, `${v}|${m}|s`),
      sumSquares: field(sums, `${v}|${m}|q`),
    });
    return Object.fromEntries(variants.map((v) => [v, Object.fromEntries(metrics.map((m) => [m, summary(v, m)]))]));
  }
}
