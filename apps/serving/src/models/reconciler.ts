import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ServingSettings } from '../config.js';
import { ArtifactCache } from '../artifacts/artifact-cache.js';
import { experimentTargets, nextRoutedExperiment, routingExperiment } from '../experiments/running-experiment.js';
import { RunningExperiments } from '../experiments/running-experiments.js';
import { RegistrySource } from '../registry/registry.source.js';
import { ShadowConfigs } from '../shadow/shadow-configs.js';
import { ServingMetrics } from '../serving.metrics.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { LoadFailures } from './load-failures.js';
import { keyOf, LoadError, type VersionDescriptor } from './loaded-version.js';
import { ModelStore } from './model-store.js';
import { ServingTable, type ModelRoutes } from './serving-table.js';
import { VersionAdmission } from '../validation/version-admission.js';
import { VersionLoader } from './version-loader.js';

/** Until the first full reconcile succeeds (registry unreachable at start), it is retried this often. */
const RETRY_MS = 2_000;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What became of a wanted version: ready to serve, failed to load, or nothing servable in it. */
type Prepared = VersionDescriptor | 'failed' | null;

/**
 * Keeps the routing table in line with the registry: for each model in scope, its production
 * version, its aliases' versions, its shadow's version (set on serving, kept in Redis) and the
 * variants' versions of its routing experiment (the experiments service's running experiments; see
 * routingExperiment). A new version is loaded and warmed before the table swaps to it (an
 * experiment routes once all its variants are); one that fails leaves its target on the version
 * that served before. Runs in full every
 * SERVING_RECONCILE_SECONDS (the safety net) and for one model whenever its change is announced.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Reconciler.name);
  private synced = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private full?: Promise<void>;
  private readonly syncing = new Map<string, { done: Promise<void>; again: boolean }>();
  // Descriptors of versions whose artifacts can no longer change (not drafts): asked once.
  private readonly descriptors = new Map<string, VersionDescriptor>();

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(RegistrySource) private readonly source: RegistrySource,
    @Inject(RunningExperiments) private readonly experiments: RunningExperiments,
    @Inject(VersionLoader) private readonly loader: VersionLoader,
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(ModelStore) private readonly store: ModelStore,
    @Inject(LoadFailures) private readonly failures: LoadFailures,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
    @Inject(ArtifactCache) private readonly cache: ArtifactCache,
    @Inject(ShadowConfigs) private readonly shadows: ShadowConfigs,
    @Inject(VersionAdmission) private readonly admission: VersionAdmission,
  ) {}

  /** True once a full reconcile has completed: every model's versions were loaded (or failed). */
  get isSynced(): boolean {
    return this.synced;
  }

  inScope(model: string): boolean {
    return this.settings.models.length === 0 || this.settings.models.includes(model);
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.full;
    await Promise.allSettled([...this.syncing.values()].map((s) => s.done));
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.full = this.reconcileAll().finally(() =>
        this.schedule(this.synced ? this.settings.reconcileMs : Math.min(RETRY_MS, this.settings.reconcileMs)),
      );
    }, delay);
  }

  /** Every model in scope; one model's failure never stops the others. */
  async reconcileAll(): Promise<void> {
    let names: string[];
    try {
      const listing = this.settings.models.length ? Promise.resolve(this.settings.models) : this.source.models();
      // The running experiments too (a failure keeps the known ones).
      [names] = await Promise.all([listing, this.experiments.refresh()]);
    } catch (err) {
      this.logger.warn(`cannot list the registry's models, serving what is loaded: ${message(err)}`);
      return;
    }
    for (const model of names) {
      if (this.stopped) return;
      await this.reconcile(model).catch((err: unknown) =>
        this.logger.warn(`reconciling ${model} failed, it keeps its routes: ${message(err)}`),
      );
    }
    const wanted = new Set(names);
    for (const model of this.table.models()) if (!wanted.has(model)) this.table.set(model, null);
    if (!this.synced) this.logger.log(`in sync with the registry: ${this.table.models().length} models served`);
    this.synced = true;
    await this.cache.prune(new Set(this.table.servedVersions().map((d) => d.sha256)));
  }

  /** Brings one model in line; requests arriving while it runs are folded into one more pass. */
  reconcile(model: string): Promise<void> {
    const running = this.syncing.get(model);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: true, done: Promise.resolve() };
    state.done = this.passes(model, state).finally(() => this.syncing.delete(model));
    this.syncing.set(model, state);
    return state.done;
  }

  private async passes(model: string, state: { again: boolean }): Promise<void> {
    let failure: Error | null = null;
    while (state.again && !this.stopped) {
      state.again = false;
      failure = await this.sync(model).then(
        () => null,
        (err: unknown) => (err instanceof Error ? err : new Error(`sync failed: ${String(err)}`)),
      );
    }
    if (failure) throw failure;
  }

  private async sync(model: string): Promise<void> {
    const [production, aliases] = await Promise.all([this.source.production(model), this.source.aliases(model)]);
    // As last listed; the known ones while the experiments service could not be listed yet.
    const running = this.experiments.forModel(model) ?? this.table.get(model)?.running ?? [];
    const experiment = routingExperiment(running);
    const desired = new Map<string, string>([
      ...(production ? [['production', production] as const] : []),
      ...[...aliases].map(([a, v]) => [`alias:${a}`, v] as const),
      ...experimentTargets(experiment),
    ]);
    const shadow = this.shadows.get(model);
    const shadowVersion = shadow?.version ?? (shadow?.alias ? aliases.get(shadow.alias) : undefined);
    if (shadowVersion) desired.set('shadow', shadowVersion);
    const versions = new Set(desired.values());
    const prepared = new Map<string, Prepared>();
    for (const version of versions) prepared.set(version, await this.prepare(model, version));
    if (this.stopped) return;
    const routed = nextRoutedExperiment(experiment, (v) => prepared.get(v), this.table.get(model)?.experiment);
    if (routed.missing.length) {
      this.logger.warn(`experiment ${experiment!.key} on ${model} does not route: no servable version for ${routed.missing.join(', ')}`);
    }
    this.table.set(model, { ...this.nextRoutes(model, desired, prepared), experiment: routed.routed, running });
    this.failures.retain(model, versions);
    for (const key of this.descriptors.keys()) {
      if (key.startsWith(`${model}@`) && !versions.has(key.slice(model.length + 1))) this.descriptors.delete(key);
    }
  }

  /** Each target on its wanted version when it is ready, else on the version that served it before. */
  private nextRoutes(model: string, desired: Map<string, string>, prepared: Map<string, Prepared>): ModelRoutes {
    const current = this.table.get(model);
    const pick = (target: string, before: VersionDescriptor | null | undefined): VersionDescriptor | null => {
      const ready = prepared.get(desired.get(target)!);
      if (ready === 'failed') return before ?? null;
      return ready ?? null;
    };
    const production = desired.has('production') ? pick('production', current?.production) : null;
    const aliases = new Map<string, VersionDescriptor>();
    for (const target of desired.keys()) {
      if (!target.startsWith('alias:')) continue;
      const alias = target.slice('alias:'.length);
      const d = pick(target, current?.aliases.get(alias));
      if (d) aliases.set(alias, d);
    }
    // A shadow that failed to load scores nothing rather than with a version it was not set to.
    const shadowReady = desired.has('shadow') ? prepared.get(desired.get('shadow')!) : null;
    const shadow = shadowReady && shadowReady !== 'failed' ? shadowReady : null;
    return { production, aliases, shadow };
  }

  private async prepare(model: string, version: string): Promise<Prepared> {
    const key = keyOf(model, version);
    const d = this.descriptors.get(key) ?? (await this.loader.describe(model, version));
    if (!d) return null;
    if (d.immutable) this.descriptors.set(key, d);
    const routed = this.table.routed(model, version);
    // Loaded and warmed before (it may have been evicted since: it reloads from disk on use).
    if (routed?.sha256 === d.sha256) return routed;
    if (this.failures.isPermanent(d)) return 'failed';
    try {
      // Loaded and validated: a version that fails either never takes traffic.
      this.store.put(key, await this.admission.load(d)).release();
      this.metrics.loads.inc({ model });
      this.failures.clear(model, version);
      this.logger.log(`loaded ${key} (${d.format}, ${d.artifact}, ${d.size} bytes)`);
      return d;
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      this.failures.record(d, err);
      return 'failed';
    }
  }
}
