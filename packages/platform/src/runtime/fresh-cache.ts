/**
 * Values loaded by key and kept for at most `maxAgeMs` from the moment their load started, so a
 * value is never older than that, whatever the load took. Under steady traffic nobody waits:
 * past half its age a value is refreshed in the background while it is still served. Concurrent
 * misses of one key share one load (a cache that expires under 50 concurrent requests otherwise
 * sends 50 identical queries, each answered the same). A failed load reaches every caller that
 * waited for it; a failed background refresh is dropped, and the next caller past the age tries again.
 */
export class FreshCache<V> {
  // A Map: keys come from requests, never object members.
  private readonly values = new Map<string, { value: V; at: number }>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly load: (key: string) => Promise<V>,
    private readonly maxAgeMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value of `key`: at once when it is fresh enough, else once it is loaded. */
  get(key: string): V | Promise<V> {
    const hit = this.values.get(key);
    const age = hit === undefined ? Infinity : this.now() - hit.at;
    if (hit !== undefined && age < this.maxAgeMs) {
      if (age >= this.maxAgeMs / 2 && !this.loading.has(key)) this.refresh(key).catch(() => undefined);
      return hit.value;
    }
    return this.loading.get(key) ?? this.refresh(key);
  }

  private refresh(key: string): Promise<V> {
    const at = this.now();
    const loaded = this.load(key).then(
      (value) => {
        this.loading.delete(key);
        if (!this.values.has(key) && this.values.size >= this.maxKeys) this.values.clear();
        this.values.set(key, { value, at });
        return value;
      },
      (err: unknown) => {
        this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }
}
