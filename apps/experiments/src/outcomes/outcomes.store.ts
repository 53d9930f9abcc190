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
  /** `value` is the unit's pre-experiment covariate x for `metric` (CUPED): it replaces an earlier one. */
  covariate?: boolean;
}

// Applies a batch atomically. Per variant it keeps n (exposed units), and per variant and metric
// the sum and the sum of squares of the units' totals y; each unit's running total is kept so a new
// event updates the sum of squares exactly: Q += (t + v)^2 - t^2. With a covariate x per unit
// (CUPED) it also keeps Σx (xs), Σx² (xq) and Σxy (xy), updated the same way from the unit's
// kept x and y whichever of them arrives first. An event also exposes its unit.
// KEYS: exposed units, variant counts, unit totals, sums, unit covariates.
// ARGV: 5 values per outcome; the fifth is '1' for a binary value, 'c' for a covariate.
const APPLY = `
local accepted = 0
for i = 1, #ARGV, 5 do
  local unit, variant, metric, value, mode = ARGV[i], ARGV[i+1], ARGV[i+2], tonumber(ARGV[i+3]), ARGV[i+4]
  if redis.call('HSETNX', KEYS[1], unit, variant) == 1 then
    redis.call('HINCRBY', KEYS[2], variant, 1)
  end
  if metric ~= '' then
    local field = metric .. '|' .. unit
    local prefix = variant .. '|' .. metric .. '|'
    if mode == 'c' then
      local old = tonumber(redis.call('HGET', KEYS[5], field) or '0')
      if value ~= old then
        local y = tonumber(redis.call('HGET', KEYS[3], field) or '0')
        redis.call('HSET', KEYS[5], field, value)
        redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 'xs', value - old)
        redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 'xq', value * value - old * old)
        redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 'xy', y * (value - old))
      end
    else
      local old = tonumber(redis.call('HGET', KEYS[3], field) or '0')
      local new = old + value
      if mode == '1' then new = math.min(1, new) end
      if new ~= old then
        redis.call('HSET', KEYS[3], field, new)
        redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 's', new - old)
        redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 'q', new * new - old * old)
        local x = tonumber(redis.call('HGET', KEYS[5], field) or '0')
        if x ~= 0 then redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 'xy', x * (new - old)) end
      end
    end
  end
  accepted = accepted + 1
end
return accepted
`;

// Adds snapshotted aggregates to the live ones, once: only the call that sets the kept-marker adds.
// KEYS: variant counts, sums, kept-marker.  ARGV: the number of count pairs, then field/value pairs
// (counts first, then sums).
const ADD_BACK = `
if not redis.call('SET', KEYS[3], '1', 'NX') then return 0 end
local counts = tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  if (i - 2) / 2 < counts then
    redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i+1])
  else
    redis.call('HINCRBYFLOAT', KEYS[2], ARGV[i], ARGV[i+1])
  end
end
return 1
`;

/**
 * One variant and metric's summary from its stored sums (`get('s')` = Σy …); the covariate sums
 * only when a covariate was ever stored for it (Σx² > 0), so metrics without one read as before.
 */
export function summaryFrom(n: number, get: (suffix: 's' | 'q' | 'xs' | 'xq' | 'xy') => number): MetricSummary {
  const summary: MetricSummary = { n, sum: get('s'), sumSquares: get('q') };
  const sumSquares = get('xq');
  if (sumSquares > 0) summary.covariate = { sum: get('xs'), sumSquares, crossProducts: get('xy') };
  return summary;
}

/** Set once the aggregates in Redis are known to include the last snapshot; gone when Redis lost them. */
const keptMarker = (experimentId: string) => `exp:${experimentId}:stats-kept`;

@Injectable()
export class OutcomesStore {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  private keys(experimentId: string) {
    const base = `exp:${experimentId}`;
    return [`${base}:exposed`, `${base}:n`, `${base}:totals`, `${base}:sums`, `${base}:covariates`];
  }

  async apply(experimentId: string, outcomes: Outcome[]): Promise<number> {
    if (!outcomes.length) return 0;
    const mode = (o: Outcome) => (o.covariate ? 'c' : o.binary ? '1' : '0');
    const args = outcomes.flatMap((o) => [o.unit, o.variant, o.metric, String(o.value), mode(o)]);
    return Number(await this.redis.client.eval(APPLY, 5, ...this.keys(experimentId), ...args));
  }

  /** The aggregates as stored: n per variant, and `variant|metric|s` / `|q` sums. */
  async raw(experimentId: string): Promise<{ n: Record<string, string>; sums: Record<string, string> }> {
    const [, nKey, , sumsKey] = this.keys(experimentId);
    const [n, sums] = await Promise.all([this.redis.client.hgetall(nKey!), this.redis.client.hgetall(sumsKey!)]);
    return { n, sums };
  }

  /** Whether the live aggregates are known to include the last snapshot (see StatsSnapshotService). */
  async kept(experimentId: string): Promise<boolean> {
    return (await this.redis.client.exists(keptMarker(experimentId))) === 1;
  }

  async markKept(experimentId: string): Promise<void> {
    await this.redis.client.set(keptMarker(experimentId), '1');
  }

  /**
   * After Redis lost them: adds the snapshotted aggregates to whatever traffic has counted since
   * (atomically with it, and once: true for the call that did it). Units seen both before and after
   * the loss count twice in n, and their totals' squares split; the per-unit detail is not restored.
   */
  async addBack(experimentId: string, aggregates: StoredAggregates): Promise<boolean> {
    const [, nKey, , sumsKey] = this.keys(experimentId);
    const pairs = [...aggregates.n, ...aggregates.sums].flatMap(([field, value]) => [field, String(value)]);
    const added = await this.redis.client.eval(ADD_BACK, 3, nKey!, sumsKey!, keptMarker(experimentId), String(aggregates.n.size), ...pairs);
    return added === 1;
  }

  /** Sufficient statistics per variant and metric; units without events count with value 0. */
  async summaries(experimentId: string, variants: string[], metrics: string[]): Promise<Record<string, Record<string, MetricSummary>>> {
    const [, nKey, , sumsKey] = this.keys(experimentId);
    const [counts, sums] = await Promise.all([this.redis.client.hgetall(nKey!), this.redis.client.hgetall(sumsKey!)]);
    // Own fields only: a variant or metric named `constructor` must not read Object.prototype's.
    const field = (hash: Record<string, string>, name: string) => Number(Object.hasOwn(hash, name) ? hash[name] : 0);
    const summary = (v: string, m: string) => summaryFrom(field(counts, v), (suffix) => field(sums, `${v}|${m}|${suffix}`));
    return Object.fromEntries(variants.map((v) => [v, Object.fromEntries(metrics.map((m) => [m, summary(v, m)]))]));
  }
}
