import { Inject, Injectable } from '@nestjs/common';
import { assigner, type Assignment } from '@modelyard/assignment';
import { RedisService } from '@modelyard/platform';
import type { AssignmentConfigResponse, AssignmentResponse } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import { ExperimentsMetrics } from '../experiments/experiments.metrics.js';
import { toAssignmentConfig } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { queuedAssignment } from './assignment-queue.js';
import { AssignmentsRepository } from './assignments.repository.js';

/** Redis hash unit → variant: the sticky assignments of one experiment. */
export const stickyAssignmentsKey = (experimentId: string) => `exp:${experimentId}:units`;
/** Redis list of first assignments not yet persisted to Postgres (see assignment-queue.ts). */
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
  experiment: Experiment;
  assign: (unit: string) => Assignment;
  at: number;
}

interface Fresh {
  unit: string;
  variant: string;
}

const outside = (unit: string): AssignmentResponse => ({
  unit,
  variant: null,
  version: null,
  inExperiment: false,
  sticky: false,
});

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
    @Inject(AssignmentsRepository) private readonly assignments: AssignmentsRepository,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(ExperimentsMetrics) private readonly metrics: ExperimentsMetrics,
  ) {}

  private async load(key: string): Promise<Loaded> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CONFIG_CACHE_MS) return hit;
    const experiment = await this.experiments.get(key);
    const { seed, variants, coverage } = experiment;
    const loaded = {
      experiment,
      assign: assigner({ seed, weights: variants.map((v) => v.weight), coverage }),
      at: Date.now(),
    };
    this.cache.set(key, loaded);
    return loaded;
  }

  async assignMany(key: string, units: string[]): Promise<AssignmentResponse[]> {
    const { experiment: e, assign } = await this.load(key);
    if (e.status !== 'running') return units.map(outside);
    const existing = await this.sticky(e.id, units);
    const fresh = units.flatMap((unit, i): Fresh[] => {
      if (existing[i]) return [];
      const a = assign(unit);
      return a.inExperiment ? [{ unit, variant: e.variants[a.variant]!.key }] : [];
    });
    const won = fresh.length ? await this.claim(e, fresh) : new Map<string, string>();
    return units.map((unit, i) => {
      const variantKey = existing[i] ?? won.get(unit);
      const variant = variantKey ? e.variants.find((v) => v.key === variantKey) : undefined;
      if (!variant) return outside(unit);
      return { unit, variant: variant.key, version: variant.version, inExperiment: true, sticky: Boolean(existing[i]) };
    });
  }

  /**
   * Records first assignments (HSETNX); returns each unit's variant, which is theirs when a
   * concurrent request assigned the unit first. New ones are counted and queued for the tick,
   * which persists them to Postgres (see StickyPersistence).
   */
  private async claim(e: Experiment, fresh: Fresh[]): Promise<Map<string, string>> {
    const stickyKey = stickyAssignmentsKey(e.id);
    const pipeline = this.redis.client.pipeline();
    for (const f of fresh) pipeline.hsetnx(stickyKey, f.unit, f.variant);
    const results = await pipeline.exec();
    const lost = fresh.filter((_, i) => results?.[i]?.[1] !== 1);
    const first = fresh.filter((_, i) => results?.[i]?.[1] === 1);
    const won = new Map<string, string>();
    // A concurrent request assigned some units first: theirs stands.
    const theirs = lost.length ? await this.redis.client.hmget(stickyKey, ...lost.map((l) => l.unit)) : [];
    lost.forEach((l, i) => won.set(l.unit, theirs[i] ?? l.variant));
    for (const f of first) {
      won.set(f.unit, f.variant);
      this.metrics.traffic.inc({ experiment: e.key, variant: f.variant });
    }
    if (first.length) {
      await this.redis.client.rpush(newAssignmentsKey(e.id), ...first.map((f) => queuedAssignment(f.variant, f.unit)));
    }
    return won;
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
    const rows = await this.assignments.persisted(experimentId, missing);
    const persisted = new Map(rows.map((a) => [a.unit, a.variant]));
    if (!persisted.size) return existing;
    const pipeline = this.redis.client.pipeline();
    for (const [unit, variant] of persisted) pipeline.hsetnx(stickyKey, unit, variant);
    await pipeline.exec();
    return existing.map((v, i) => v ?? persisted.get(units[i]!) ?? null);
  }

  async config(key: string): Promise<AssignmentConfigResponse> {
    return toAssignmentConfig(await this.experiments.get(key));
  }
}
