import { Inject, Injectable } from '@nestjs/common';
import { assigner, type Assignment } from '@modelyard/assignment';
import type { Experiment } from '@modelyard/db';
import { RedisService } from '@modelyard/platform';
import type { AssignmentConfigResponse, AssignmentResponse, Variant } from '@modelyard/types';
import { ExperimentsMetrics } from '../experiments/experiments.metrics.js';
import { variantsOf } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';

/** Redis hash unit → variant: the sticky assignments of one experiment. */
export const stickyAssignmentsKey = (experimentId: string) => `exp:${experimentId}:units`;
/** Redis list of first assignments not yet persisted to Postgres (`variant\tunit`). */
export const newAssignmentsKey = (experimentId: string) => `exp:${experimentId}:new`;
/**
 * Present once the tick has put the assignments persisted in Postgres back into the sticky hash
 * (set only after that completes). While it is absent (a new experiment, or Redis lost its keys)
 * a unit missing from the hash is looked up in Postgres before it is hashed afresh: traffic that
 * arrives before the tick, and recreates the hash, must not move units already assigned.
 */
export const stickyRestoredKey = (experimentId: string) => `exp:${experimentId}:restored`;

/** Config changes reach every replica within this time; sticky units never move meanwhile. */
const CONFIG_CACHE_MS = 1_000;

interface Loaded {
  row: Experiment;
  variants: Variant[];
  assign: (unit: string) => Assignment;
  at: number;
}

/**
 * Deterministic, sticky assignment. A unit's first variant is kept in a Redis hash per experiment
 * (HSETNX: under any concurrency exactly one first assignment wins, on every replica), so later
 * weight or coverage changes never move a unit that was already assigned.
 */
@Injectable()
export class AssignmentService {
  private readonly cache = new Map<string, Loaded>();

  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(ExperimentsMetrics) private readonly metrics: ExperimentsMetrics,
  ) {}

  private async load(key: string): Promise<Loaded> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CONFIG_CACHE_MS) return hit;
    const row = await this.experiments.get(key);
    const variants = variantsOf(row);
    const loaded = {
      row,
      variants,
      assign: assigner({ seed: row.seed, weights: variants.map((v) => v.weight), coverage: row.coverage }),
      at: Date.now(),
    };
    this.cache.set(key, loaded);
    return loaded;
  }

  async assignMany(key: string, units: string[]): Promise<AssignmentResponse[]> {
    const { row, variants, assign } = await this.load(key);
    const outside = (unit: string): AssignmentResponse => ({ unit, variant: null, version: null, inExperiment: false, sticky: false });
    if (row.status !== 'running') return units.map(outside);

    const stickyKey = stickyAssignmentsKey(row.id);
    const existing = await this.sticky(row.id, units);
    const fresh = units.flatMap((unit, i) => {
      if (existing[i]) return [];
      const a = assign(unit);
      return a.inExperiment ? [{ unit, variant: variants[a.variant]!.key }] : [];
    });
    const won = new Map<string, string>();
    if (fresh.length) {
      const pipeline = this.redis.client.pipeline();
      for (const f of fresh) pipeline.hsetnx(stickyKey, f.unit, f.variant);
      const results = await pipeline.exec();
      const lost = fresh.filter((_, i) => results?.[i]?.[1] !== 1);
      // A concurrent request assigned some units first: theirs stands.
      const theirs = lost.length ? await this.redis.client.hmget(stickyKey, ...lost.map((l) => l.unit)) : [];
      lost.forEach((l, i) => won.set(l.unit, theirs[i] ?? l.variant));
      const first = fresh.filter((_, i) => results?.[i]?.[1] === 1);
      first.forEach((f) => {
        won.set(f.unit, f.variant);
        this.metrics.traffic.inc({ experiment: row.key, variant: f.variant });
      });
      // Queued for the tick, which persists them to Postgres (see ExperimentsTick).
      if (first.length) await this.redis.client.rpush(newAssignmentsKey(row.id), ...first.map((f) => `${f.variant}\t${f.unit}`));
    }
    return units.map((unit, i) => {
      const variantKey = existing[i] ?? won.get(unit);
      const variant = variantKey ? variants.find((v) => v.key === variantKey) : undefined;
      if (!variant) return outside(unit);
      return { unit, variant: variant.key, version: variant.version, inExperiment: true, sticky: Boolean(existing[i]) };
    });
  }

  /** Each unit's sticky variant (null: never assigned), from Redis, or Postgres until restored. */
  private async sticky(experimentId: string, units: string[]): Promise<(string | null)[]> {
    const stickyKey = stickyAssignmentsKey(experimentId);
    // Sent together: one round trip.
    const [existing, restored] = await Promise.all([
      this.redis.client.hmget(stickyKey, ...units),
      this.redis.client.exists(stickyRestoredKey(experimentId)),
    ]);
    const missing = units.filter((_, i) => existing[i] === null);
    if (restored || !missing.length) return existing;
    const rows = await this.experiments.persistedAssignments(experimentId, missing);
    const persisted = new Map(rows.map((a) => [a.unit, a.variant]));
    if (!persisted.size) return existing;
    const pipeline = this.redis.client.pipeline();
    for (const [unit, variant] of persisted) pipeline.hsetnx(stickyKey, unit, variant);
    await pipeline.exec();
    return existing.map((v, i) => v ?? persisted.get(units[i]!) ?? null);
  }

  async config(key: string): Promise<AssignmentConfigResponse> {
    const row = await this.experiments.get(key);
    return {
      key: row.key,
      status: row.status,
      seed: row.seed,
      coverage: row.coverage,
      hashVersion: 2,
      variants: variantsOf(row),
      revision: row.revision,
    };
  }
}
