import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import { DIMENSION_OTHER, MAX_DIMENSION_VALUES, MAX_DIMENSIONS, type MetricSummary } from '@modelyard/types';
import type { StoredAggregates } from './stats-snapshot.js';
import { experimentKey } from '../experiment-keys.js';

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
  /** (dimension, value) pairs of the unit: they place it in its slices when this is its first exposure. */
  dimensions?: [string, string][];
}

// Applies a batch atomically. Per variant it keeps n (exposed units), and per variant and metric
// the sum and the sum of squares of the units' totals y; each unit's running total is kept so a new
// event updates the sum of squares exactly: Q += (t + v)^2 - t^2. With a covariate x per unit
// (CUPED) it also keeps Σx (xs), Σx² (xq) and Σxy (xy), updated the same way from the unit's
// kept x and y whichever of them arrives first. An event also exposes its unit.
// Breakdowns: a unit's first exposure places it in one slice per dimension (`@dim|value`); the
// first 5 dimension names of the experiment and the first 20 values of each get their own slices,
// later values pool into 'other'. Slices keep n and, per metric, Σy and Σy² in the sums hash
// (`variant|@dim|value|n`, `variant|@dim|value|metric|s`), so they are snapshotted like the rest.
// KEYS: exposed units, variant counts, unit totals, sums, unit covariates, dimension values
// (`dim` → values so far, `dim|value` → 1, `~` → names so far), unit slices.
// ARGV: 6 values per outcome; the fifth is '1' for a binary value, 'c' for a covariate; the sixth
// the unit's dimensions as `name=value` lines.
const APPLY = `
local function slot(name, value)
  if redis.call('HEXISTS', KEYS[6], name) == 0 then
    if tonumber(redis.call('HGET', KEYS[6], '~') or '0') >= ${MAX_DIMENSIONS} then return nil end
    redis.call('HINCRBY', KEYS[6], '~', 1)
    redis.call('HSET', KEYS[6], name, 0)
  end
  if redis.call('HEXISTS', KEYS[6], name .. '|' .. value) == 1 then return value end
  if tonumber(redis.call('HGET', KEYS[6], name)) >= ${MAX_DIMENSION_VALUES} then return '${DIMENSION_OTHER}' end
  redis.call('HINCRBY', KEYS[6], name, 1)
  redis.call('HSET', KEYS[6], name .. '|' .. value, 1)
  return value
end
local accepted = 0
for i = 1, #ARGV, 6 do
  local unit, variant, metric, value, mode, dims = ARGV[i], ARGV[i+1], ARGV[i+2], tonumber(ARGV[i+3]), ARGV[i+4], ARGV[i+5]
  if redis.call('HSETNX', KEYS[1], unit, variant) == 1 then
    redis.call('HINCRBY', KEYS[2], variant, 1)
    local slices = {}
    for pair in string.gmatch(dims, '[^\\n]+') do
      local eq = string.find(pair, '=', 1, true)
      local name = string.sub(pair, 1, eq - 1)
      local kept = slot(name, string.sub(pair, eq + 1))
      if kept then
        local slice = '@' .. name .. '|' .. kept
        slices[#slices + 1] = slice
        redis.call('HINCRBYFLOAT', KEYS[4], variant .. '|' .. slice .. '|n', 1)
      end
    end
    if #slices > 0 then redis.call('HSET', KEYS[7], unit, table.concat(slices, '\\n')) end
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
        local slices = redis.call('HGET', KEYS[7], unit)
        if slices then
          for slice in string.gmatch(slices, '[^\\n]+') do
            local sp = variant .. '|' .. slice .. '|' .. metric .. '|'
            redis.call('HINCRBYFLOAT', KEYS[4], sp .. 's', new - old)
            redis.call('HINCRBYFLOAT', KEYS[4], sp .. 'q', new * new - old * old)
          end
        end
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
const keptMarker = (experimentId: string) => experimentKey(experimentId, 'stats-kept');

@Injectable()
export class OutcomesStore {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  private keys(experimentId: string) {
    return ['exposed', 'n', 'totals', 'sums', 'covariates', 'dimensions', 'slices'].map((name) => experimentKey(experimentId, name));
  }

  async apply(experimentId: string, outcomes: Outcome[]): Promise<number> {
    if (!outcomes.length) return 0;
    const mode = (o: Outcome) => (o.covariate ? 'c' : o.binary ? '1' : '0');
    const dims = (o: Outcome) => (o.dimensions ?? []).map(([name, value]) => `${name}=${value}`).join('\n');
    const args = outcomes.flatMap((o) => [o.unit, o.variant, o.metric, String(o.value), mode(o), dims(o)]);
    return Number(await this.redis.client.eval(APPLY, 7, ...this.keys(experimentId), ...args));
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

  /** The breakdown sums as stored (`variant|@dim|value|…` fields of the sums hash). */
  async sliceSums(experimentId: string): Promise<Map<string, number>> {
    const [, , , sumsKey] = this.keys(experimentId);
    const sums = await this.redis.client.hgetall(sumsKey!);
    return new Map(
      Object.entries(sums)
        .filter(([field]) => field.includes('|@'))
        .map(([field, v]) => [field, Number(v)]),
    );
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
