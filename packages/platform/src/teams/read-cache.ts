import type { TeamChanges } from './team-changes.js';

/** A bound on what is kept even between changes, should a change ever go unannounced (a manual SQL edit). */
const READ_CACHE_MS = 30_000;
const READ_CACHE_MAX = 10_000;

/**
 * Database reads kept while TeamChanges says no team change happened since they were made: an
 * entry read under an earlier generation (or while changes could go unheard) is read again.
 */
export class TeamReadCache<V> {
  private readonly entries = new Map<string, { value: V; generation: number; at: number }>();

  constructor(private readonly changes: TeamChanges) {}

  async get(key: string, read: () => Promise<V>): Promise<V> {
    const generation = this.changes.generation();
    if (generation === undefined) return read();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation && now - hit.at < READ_CACHE_MS) return hit.value;
    const value = await read();
    // A change heard while reading may have been made after the read: keep nothing then.
    if (this.changes.generation() === generation) {
      if (this.entries.size >= READ_CACHE_MAX) this.entries.clear();
      this.entries.set(key, { value, generation, at: now });
    }
    return value;
  }
}
