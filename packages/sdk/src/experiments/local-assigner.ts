import { assigner, type Assignment } from '@modelyard/assignment';
import type { AssignmentConfigResponse } from '@modelyard/types';
import type { BatchIngestor, BatchIngestorOptions } from '../ingest/batch-ingestor.js';
import type { ExperimentsClient, Exposure } from './experiments.client.js';

export interface LocalAssignerOptions {
  /** How often the config is re-checked (a 304 when unchanged). Default 30 s. */
  refreshIntervalMs?: number;
  /** Log an exposure for each unit assigned into the experiment (default true). */
  logExposures?: boolean;
  /**
   * Batching of the exposure log. By default `assign()` waits while the log is full (no exposure is
   * lost); `{ onFull: 'drop' }` never waits and counts what it drops (`exposureLog.stats.dropped`).
   */
  exposures?: Omit<BatchIngestorOptions<Exposure>, 'send'>;
  /** A background refresh failed; the last config keeps serving meanwhile. */
  onRefreshError?: (error: unknown) => void;
}

export interface LocalAssignment {
  unit: string;
  variant: string | null;
  version: string | null;
  inExperiment: boolean;
  /** The config revision the answer was computed from. */
  revision: number;
}

/** Units remembered as already exposed, so a hot unit is not re-sent on every request. */
const EXPOSED_MEMORY = 100_000;

/**
 * Assigns units to an experiment's variants in-process, with the same hash and ranges as the
 * experiments service (packages/assignment), from a config fetched once and re-checked in the
 * background with its ETag. Exposures are queued to a batching ingestor and sent asynchronously;
 * `assign()` resolves at once while the log has room and waits for room when it is full.
 *
 * Stickiness: the service remembers each unit's first variant, so a unit assigned before a weight
 * or coverage change keeps it. The SDK holds no per-unit state: it answers from the current
 * config, which equals the server for every unit first assigned under that config (in particular
 * for all units as long as weights and coverage are not changed while the experiment runs).
 * Exposures are sent without a variant, so the service always counts them in the unit's sticky
 * variant and never refuses a batch over a unit that moved. Use `ExperimentsClient.assign` when
 * weights change mid-flight and exact stickiness matters.
 */
export class LocalAssigner {
  private current: AssignmentConfigResponse | null = null;
  private etag: string | null = null;
  private assignFn: ((unit: string) => Assignment) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly exposed = new Set<string>();
  readonly exposureLog: BatchIngestor<Exposure> | null;

  constructor(
    private readonly client: ExperimentsClient,
    readonly key: string,
    private readonly options: LocalAssignerOptions = {},
  ) {
    this.exposureLog = options.logExposures === false ? null : client.exposureIngestor(key, options.exposures);
  }

  /** Fetches the config (must succeed) and starts the background refresh. */
  async start(): Promise<this> {
    await this.refresh();
    this.timer ??= setInterval(() => {
      this.refresh().catch((err: unknown) => this.options.onRefreshError?.(err));
    }, this.options.refreshIntervalMs ?? 30_000);
    this.timer.unref();
    return this;
  }

  /** Re-reads the config; true when it changed. */
  async refresh(): Promise<boolean> {
    const { config, etag } = await this.client.config(this.key, this.etag);
    if (!config) return false;
    this.current = config;
    this.etag = etag;
    this.assignFn = assigner({ seed: config.seed, weights: config.variants.map((v) => v.weight), coverage: config.coverage });
    return true;
  }

  get config(): AssignmentConfigResponse {
    if (!this.current) throw new Error('call start() first: no config fetched yet');
    return this.current;
  }

  /**
   * The unit's variant, computed locally, with its exposure queued (unless `expose: false`). Resolves
   * at once while the exposure log has room; when it is full it waits for room (back-pressure), or
   * with `exposures.onFull: 'drop'` drops the exposure and counts it.
   */
  async assign(unit: string, options: { expose?: boolean } = {}): Promise<LocalAssignment> {
    const assignment = this.peek(unit);
    if (assignment.inExperiment && options.expose !== false) await this.expose(unit);
    return assignment;
  }

  /** The unit's variant, computed locally; no I/O and no exposure (for analysis or comparisons). */
  peek(unit: string): LocalAssignment {
    const config = this.config;
    const outside: LocalAssignment = { unit, variant: null, version: null, inExperiment: false, revision: config.revision };
    // Like the service: nobody is in an experiment that is not running.
    if (config.status !== 'running') return outside;
    const a = this.assignFn!(unit);
    const variant = a.inExperiment ? config.variants[a.variant] : undefined;
    if (!variant) return outside;
    return { unit, variant: variant.key, version: variant.version, inExperiment: true, revision: config.revision };
  }

  /** Exposures dropped because the log was full (only with `exposures.onFull: 'drop'`) or refused. */
  get droppedExposures(): number {
    return this.exposureLog?.stats.dropped ?? 0;
  }

  private async expose(unit: string): Promise<void> {
    if (!this.exposureLog || this.exposed.has(unit)) return;
    if (this.exposed.size >= EXPOSED_MEMORY) this.exposed.clear();
    this.exposed.add(unit);
    // No timestamp: the service does not use it, and formatting one per call costs more than the hash.
    // A dropped exposure is forgotten, so the unit's next assignment tries again.
    if (!(await this.exposureLog.add({ unit }))) this.exposed.delete(unit);
  }

  /** Stops refreshing and sends the exposures still queued. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.exposureLog?.close();
  }
}
