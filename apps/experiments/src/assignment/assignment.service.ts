import { Inject, Injectable } from '@nestjs/common';
import { AssignmentCache, OUTSIDE_TTL_MS, assigner, type Assignment } from '@modelyard/assignment';
import { FreshCache, RedisService } from '@modelyard/platform';
import type { AssignmentConfigResponse, AssignmentResponse } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import { ExperimentsMetrics } from '../experiments/experiments.metrics.js';
import { toAssignmentConfig } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { queuedAssignment } from './assignment-queue.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { ClaimBatcher } from './claim-batcher.js';
import { Claim, type ClaimInput, type StickyKeys } from './sticky-claim.js';
import { experimentKey } from '../experiment-keys.js';

/** Redis hash unit → variant: the sticky assignments of one experiment. */
export const stickyAssignmentsKey = (experimentId: string) => experimentKey(experimentId, 'units');
/** Redis list of first assignments not yet persisted to Postgres (see assignment-queue.ts). */
export const newAssignmentsKey = (experimentId: string) => experimentKey(experimentId, 'new');
/**
 * Present once the tick has put the assignments persisted in Postgres back into the sticky hash
 * (set only after that completes). While it is absent (a new experiment, or Redis lost its keys)
 * a unit missing from the hash is looked up in Postgres before it is hashed afresh: traffic that
 * arrives before the tick, and recreates the hash, must not move units already assigned.
 */
export const stickyRestoredKey = (experimentId: string) => experimentKey(experimentId, 'restored');

/** Config changes reach every replica within this time; sticky units never move meanwhile. */
const CONFIG_CACHE_MS = OUTSIDE_TTL_MS;
/** Units whose answer a replica remembers (least recently used forgotten first): about 10 MB when full. */
const KNOWN_UNITS_MAX = 100_000;

interface Loaded {
  experiment: Experiment;
  assign: (unit: string) => Assignment;
  /** Its Redis keys, built once per load rather than per request. */
  keys: StickyKeys;
}

interface Fresh {
  unit: string;
  variant: string;
}

/** A unit's variant as Postgres and the hash decided it while the hash was not restored. */
interface Looked {
  variant: string | undefined;
  sticky: boolean;
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
 * (set atomically by one script per request: under any concurrency exactly one first assignment
 * wins, on every replica), so later weight or coverage changes never move a unit already assigned.
 */
@Injectable()
export class AssignmentService {
  /** Configs by key, at most CONFIG_CACHE_MS old; concurrent requests share one read of an expired one. */
  private readonly configs = new FreshCache<Loaded>((key) => this.load(key), CONFIG_CACHE_MS);
  /**
   * Redis' answers, remembered: a variant once given is the unit's for good (the hash is only ever
   * HSETNX'd), so a unit seen before costs no round trip; an answer of "outside" is kept only as
   * long as the config cache (AssignmentCache), as a coverage change may take the unit in.
   */
  private readonly known = new AssignmentCache(KNOWN_UNITS_MAX);
  /** Concurrent requests' claims share one round trip (see ClaimBatcher). */
  private readonly batcher = new ClaimBatcher(() => this.redis.client);

  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(AssignmentsRepository) private readonly assignments: AssignmentsRepository,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(ExperimentsMetrics) private readonly metrics: ExperimentsMetrics,
  ) {}

  private async load(key: string): Promise<Loaded> {
    const experiment = await this.experiments.get(key);
    const { seed, variants, coverage } = experiment;
    return {
      experiment,
      assign: assigner({ seed, weights: variants.map((v) => v.weight), coverage }),
      keys: this.keys(experiment.id),
    };
  }

  /** One unit's assignment (GET …/assignment, answered by AssignmentRoute). */
  async assignOne(key: string, unit: string): Promise<AssignmentResponse> {
    return (await this.assignMany(key, [unit]))[0]!;
  }

  async assignMany(key: string, units: string[]): Promise<AssignmentResponse[]> {
    const loaded = await this.configs.get(key);
    const e = loaded.experiment;
    if (e.status !== 'running') return units.map(outside);
    const answers = units.map((unit) => this.remembered(e, unit));
    const unknown = units.filter((_, i) => answers[i] === undefined);
    this.metrics.answered.memory.inc(units.length - unknown.length);
    if (!unknown.length) return answers as AssignmentResponse[];
    this.metrics.answered.redis.inc(unknown.length);
    const fresh = await this.claimed(loaded, unknown);
    let k = 0;
    return answers.map((a) => a ?? fresh[k++]!);
  }

  /** A unit's answer from this replica's memory of Redis' earlier answers (see AssignmentCache). */
  private remembered(e: Experiment, unit: string): AssignmentResponse | undefined {
    const known = this.known.get(e.id, unit);
    if (known === undefined) return undefined;
    const variant = known === null ? undefined : e.variants.find((v) => v.key === known);
    // Answered before: a variant it was given is sticky now.
    return variant ? { unit, variant: variant.key, version: variant.version, inExperiment: true, sticky: true } : outside(unit);
  }

  /** The sticky hash's answers for units this replica does not know yet (one Lua round trip), then remembered. */
  private async claimed({ experiment: e, assign, keys }: Loaded, units: string[]): Promise<AssignmentResponse[]> {
    const inputs = units.map((unit): ClaimInput => {
      const a = assign(unit);
      const candidate = a.inExperiment ? e.variants[a.variant]!.key : null;
      return { unit, candidate, item: candidate === null ? '' : queuedAssignment(candidate, unit) };
    });
    const claims = await this.batcher.claim(keys, inputs);
    const unknown = inputs.filter((_, i) => claims[i]!.claim === Claim.Unknown);
    const looked = unknown.length ? await this.unrestored(e, keys, unknown) : new Map<string, Looked>();
    return units.map((unit, i) => {
      const { claim, variant: found } = claims[i]!;
      if (claim === Claim.First) this.metrics.traffic.inc({ experiment: e.key, variant: found });
      const { variant: variantKey, sticky } =
        claim === Claim.Unknown
          ? (looked.get(unit) ?? { variant: undefined, sticky: false })
          : { variant: found, sticky: claim === Claim.Sticky };
      const variant = variantKey ? e.variants.find((v) => v.key === variantKey) : undefined;
      if (claim !== Claim.Unknown || variantKey) this.known.set(e.id, unit, variantKey || null);
      if (!variant) return outside(unit);
      return { unit, variant: variant.key, version: variant.version, inExperiment: true, sticky };
    });
  }

  private keys(experimentId: string): StickyKeys {
    return {
      sticky: stickyAssignmentsKey(experimentId),
      restored: stickyRestoredKey(experimentId),
      queue: newAssignmentsKey(experimentId),
    };
  }

  /**
   * Units not in the sticky hash while it is not restored (a new replica of the hash after Redis lost
   * it, before the tick put the persisted ones back): Postgres decides whether they were assigned.
   */
  private async unrestored(e: Experiment, keys: StickyKeys, inputs: ClaimInput[]): Promise<Map<string, Looked>> {
    const rows = await this.assignments.persisted(
      e.id,
      inputs.map((u) => u.unit),
    );
    const persisted = new Map(rows.map((a) => [a.unit, a.variant]));
    if (persisted.size) {
      const pipeline = this.redis.client.pipeline();
      for (const [unit, variant] of persisted) pipeline.hsetnx(keys.sticky, unit, variant);
      await pipeline.exec();
    }
    const fresh = inputs.flatMap((u): Fresh[] =>
      persisted.has(u.unit) || u.candidate === null ? [] : [{ unit: u.unit, variant: u.candidate }],
    );
    const won = fresh.length ? await this.claim(e, keys, fresh) : new Map<string, string>();
    const looked = new Map<string, Looked>();
    for (const [unit, variant] of persisted) looked.set(unit, { variant, sticky: true });
    for (const [unit, variant] of won) looked.set(unit, { variant, sticky: false });
    return looked;
  }

  /**
   * Records first assignments (HSETNX); returns each unit's variant, which is theirs when a
   * concurrent request assigned the unit first. New ones are counted and queued for the tick,
   * which persists them to Postgres (see StickyPersistence).
   */
  private async claim(e: Experiment, keys: StickyKeys, fresh: Fresh[]): Promise<Map<string, string>> {
    const pipeline = this.redis.client.pipeline();
    for (const f of fresh) pipeline.hsetnx(keys.sticky, f.unit, f.variant);
    const results = await pipeline.exec();
    const lost = fresh.filter((_, i) => results?.[i]?.[1] !== 1);
    const first = fresh.filter((_, i) => results?.[i]?.[1] === 1);
    const won = new Map<string, string>();
    // A concurrent request assigned some units first: theirs stands.
    const theirs = lost.length ? await this.redis.client.hmget(keys.sticky, ...lost.map((l) => l.unit)) : [];
    lost.forEach((l, i) => won.set(l.unit, theirs[i] ?? l.variant));
    for (const f of first) {
      won.set(f.unit, f.variant);
      this.metrics.traffic.inc({ experiment: e.key, variant: f.variant });
    }
    if (first.length) {
      await this.redis.client.rpush(keys.queue, ...first.map((f) => queuedAssignment(f.variant, f.unit)));
    }
    return won;
  }

  async config(key: string): Promise<AssignmentConfigResponse> {
    return toAssignmentConfig(await this.experiments.get(key));
  }
}
