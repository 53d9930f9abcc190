/**
 * Answers of the experiments service kept in process, keyed by experiment id and unit.
 *
 * - A unit inside an experiment keeps its variant for as long as the experiment exists: the service
 *   records a unit's first variant with HSETNX and answers it ever after, whatever the weights or
 *   coverage become. Kept until evicted (least recently used first, `maxUnits` in all).
 * - A unit outside (coverage) is not sticky: a coverage change may take it in. Kept OUTSIDE_TTL_MS,
 *   the service's own config cache (its replicas see a change within that time too), so serving
 *   is never staler than the service itself.
 * Unit ids hold no whitespace or control characters (UnitId) and experiment ids are uuids, so
 * `id + ' ' + unit` names one pair.
 */
export const OUTSIDE_TTL_MS = 1_000;

export class AssignmentCache {
  // Insertion order is recency order: a hit moves its entry to the end.
  private readonly inside = new Map<string, string>();
  private readonly outside = new Map<string, number>();

  constructor(private readonly maxUnits: number) {}

  /** The unit's variant, null when it is outside the experiment, undefined when unknown. */
  get(experimentId: string, unit: string, now = Date.now()): string | null | undefined {
    const key = `${experimentId} ${unit}`;
    const variant = this.inside.get(key);
    if (variant !== undefined) {
      this.inside.delete(key);
      this.inside.set(key, variant);
      return variant;
    }
    const until = this.outside.get(key);
    if (until === undefined) return undefined;
    if (until > now) return null;
    this.outside.delete(key);
    return undefined;
  }

  set(experimentId: string, unit: string, variant: string | null, now = Date.now()): void {
    const key = `${experimentId} ${unit}`;
    if (variant === null) {
      this.outside.delete(key);
      this.outside.set(key, now + OUTSIDE_TTL_MS);
      this.evict(this.outside);
      return;
    }
    this.outside.delete(key);
    this.inside.delete(key);
    this.inside.set(key, variant);
    this.evict(this.inside);
  }

  get size(): number {
    return this.inside.size + this.outside.size;
  }

  private evict(map: Map<string, unknown>): void {
    for (const key of map.keys()) {
      if (map.size <= this.maxUnits) return;
      map.delete(key);
    }
  }
}
