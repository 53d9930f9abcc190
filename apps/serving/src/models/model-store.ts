import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ServingSettings } from '../config.js';
import { ServingMetrics } from '../serving.metrics.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import type { LoadedVersion } from './loaded-version.js';

interface Entry {
  loaded: LoadedVersion;
  /** Requests holding the runner now. */
  refs: number;
  /** Out of the store (evicted or retired): released when the last holder lets go. */
  gone: boolean;
}

/** A runner held for one call; `release` must be called exactly once, when the call is done. */
export interface Lease {
  readonly loaded: LoadedVersion;
  release(): void;
}

/**
 * Loaded versions, least recently used first, within SERVING_MAX_MODELS_MB (each counted at its
 * artifact's size). A version leaves the store when it is evicted or no longer served, but its
 * native session is released only once the requests holding it have finished: a swap or an
 * eviction never fails a call in flight. One version larger than the whole budget still loads, alone.
 */
@Injectable()
export class ModelStore implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelStore.name);
  // Map order is recency: a use moves the entry to the end.
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
  ) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The version's runner, held until `release`; null when it is not in memory. */
  acquire(key: string): Lease | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return this.lease(entry);
  }

  /** Adds a loaded version (replacing one under the same key) and evicts others past the budget. */
  put(key: string, loaded: LoadedVersion): Lease {
    this.remove(key);
    const entry: Entry = { loaded, refs: 0, gone: false };
    this.entries.set(key, entry);
    this.bytes += loaded.bytes;
    const lease = this.lease(entry);
    this.evict(key);
    this.updateGauges();
    return lease;
  }

  /** Takes a version out (it is no longer served); in-flight calls finish on it first. */
  remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.loaded.bytes;
    this.drop(entry);
    this.updateGauges();
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  private evict(keep: string) {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.settings.maxModelBytes) break;
      if (key === keep) continue;
      this.entries.delete(key);
      this.bytes -= entry.loaded.bytes;
      this.metrics.evictions.inc();
      this.logger.log(`evicted ${key} (${entry.loaded.bytes} bytes) to stay within the memory budget`);
      this.drop(entry);
    }
  }

  private lease(entry: Entry): Lease {
    entry.refs++;
    let released = false;
    return {
      loaded: entry.loaded,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.gone && entry.refs === 0) this.free(entry);
      },
    };
  }

  private drop(entry: Entry) {
    entry.gone = true;
    if (entry.refs === 0) this.free(entry);
  }

  private free(entry: Entry) {
    const { model, version } = entry.loaded.descriptor;
    entry.loaded.runner.release().catch((err: unknown) => this.logger.warn(`releasing ${model}@${version}: ${String(err)}`));
  }

  private updateGauges() {
    this.metrics.loaded.set(this.entries.size);
    this.metrics.loadedBytes.set(this.bytes);
  }

  /** After the HTTP server has closed, so no call holds a runner any more. */
  onApplicationShutdown(): void {
    for (const key of [...this.entries.keys()]) this.remove(key);
  }
}
