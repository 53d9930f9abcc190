import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@modelyard/platform';
import { ErrorCode, type PredictTarget } from '@modelyard/types';
import { variantTarget, type RoutedExperiment, type RunningExperiment } from '../experiments/running-experiment.js';
import { ServingMetrics } from '../serving.metrics.js';
import { LoadFailures } from './load-failures.js';
import { keyOf, LoadError, type VersionDescriptor } from './loaded-version.js';
import { ModelStore, type Lease } from './model-store.js';
import { VersionLoader } from './version-loader.js';

/** What answers for a model: its production version, each alias's version, its experiment's variants (and what shadows them). */
export interface ModelRoutes {
  production: VersionDescriptor | null;
  aliases: ReadonlyMap<string, VersionDescriptor>;
  /** Also scores a share of the model's predict calls, off the request path (shadow/). */
  shadow?: VersionDescriptor | null;
  /** The experiment whose variants answer units (experiments/), once every variant is loaded. */
  experiment?: RoutedExperiment | null;
  /** The model's running experiments as last listed, the routed one included. */
  running?: readonly RunningExperiment[];
}

/** Attempts to get a lease when a reload races an eviction (a budget smaller than the models in use). */
const ACQUIRE_ATTEMPTS = 3;

export class NotServed extends DomainError {
  constructor(detail: string) {
    super(404, ErrorCode.notServed, 'Not served', detail);
  }
}

export class ModelUnavailable extends DomainError {
  constructor(detail: string) {
    super(503, ErrorCode.modelUnavailable, 'Model unavailable', detail, {}, { 'retry-after': '5' });
  }
}

const targetsOf = (routes: ModelRoutes | undefined) =>
  new Map<string, VersionDescriptor>([
    ...(routes?.production ? [['production', routes.production] as const] : []),
    ...[...(routes?.aliases ?? [])].map(([alias, d]) => [`alias:${alias}`, d] as const),
    ...(routes?.shadow ? [['shadow', routes.shadow] as const] : []),
    ...[...(routes?.experiment?.variants ?? [])].map(([variant, d]) => [variantTarget(routes!.experiment!.key, variant), d] as const),
  ]);

/**
 * The routing table: which version answers each model's production and aliases. It changes only by
 * whole-model swaps (`set`), made after the new versions have loaded and warmed, so a request sees
 * either the old routes or the new ones; calls already running keep the runner they hold.
 */
@Injectable()
export class ServingTable {
  private readonly routes = new Map<string, ModelRoutes>();
  // One load per version at a time: concurrent requests for an evicted version wait for the same one.
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    @Inject(ModelStore) private readonly store: ModelStore,
    @Inject(VersionLoader) private readonly loader: VersionLoader,
    @Inject(LoadFailures) private readonly failures: LoadFailures,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
  ) {}

  models(): string[] {
    return [...this.routes.keys()].sort();
  }

  get(model: string): ModelRoutes | undefined {
    return this.routes.get(model);
  }

  /** Every version routed now, whatever its target. */
  servedVersions(): VersionDescriptor[] {
    return [...this.routes.values()].flatMap((r) => [...targetsOf(r).values()]);
  }

  /** The routed descriptor of a version (any target), if it serves. */
  routed(model: string, version: string): VersionDescriptor | undefined {
    return [...targetsOf(this.routes.get(model)).values()].find((d) => d.version === version);
  }

  /** Replaces the model's routes at once (null: no longer served); versions left out leave memory. */
  set(model: string, next: ModelRoutes | null): void {
    const before = targetsOf(this.routes.get(model));
    const after = targetsOf(next ?? undefined);
    if (after.size) this.routes.set(model, next!);
    else this.routes.delete(model);
    for (const [target, d] of after) {
      if (before.get(target)?.version !== d.version) this.metrics.swaps.inc({ model, target });
    }
    // By version: a draft's new bytes were loaded under the same key, replacing the old ones.
    const kept = new Set([...after.values()].map((d) => d.version));
    for (const d of before.values()) {
      if (!kept.has(d.version)) this.store.remove(keyOf(model, d.version));
    }
  }

  /** The version answering `target` (production without one). */
  resolve(model: string, target?: PredictTarget): VersionDescriptor {
    try {
      return this.find(model, target);
    } catch (err) {
      // Not served because the wanted version failed to load (with nothing before it): say so.
      const failed = target && 'alias' in target ? [] : this.failures.list(model).filter((f) => !target || f.version === target.version);
      if (err instanceof NotServed && failed.length) {
        throw new ModelUnavailable(failed.map((f) => `${model}@${f.version} failed to load (${f.reason}): ${f.error}`).join('; '));
      }
      throw err;
    }
  }

  private find(model: string, target?: PredictTarget): VersionDescriptor {
    const routes = this.routes.get(model);
    if (!routes) {
      const why = 'it has no production version or alias with a servable artifact (model.onnx or model.json)';
      throw new NotServed(`model '${model}' is not served: ${why}`);
    }
    if (!target) {
      if (routes.production) return routes.production;
      throw new NotServed(`model '${model}' has no production version being served; name a version or an alias`);
    }
    if ('alias' in target) {
      const d = routes.aliases.get(target.alias);
      if (d) return d;
      throw new NotServed(`alias '${target.alias}' of model '${model}' is not served (served: ${this.describeTargets(model)})`);
    }
    const d = this.routed(model, target.version);
    if (d) return d;
    throw new NotServed(`version ${target.version} of model '${model}' is not served (served: ${this.describeTargets(model)})`);
  }

  private describeTargets(model: string): string {
    return [...targetsOf(this.routes.get(model))].map(([t, d]) => `${d.version} as ${t}`).join(', ') || 'none';
  }

  /** The version's runner, loaded again from the disk cache when it was evicted. */
  /** A lease on the version when it is in memory with the descriptor's bytes; null when it must be (re)loaded (acquire). */
  acquireNow(d: VersionDescriptor): Lease | null {
    const lease = this.store.acquire(keyOf(d.model, d.version));
    if (lease && lease.loaded.descriptor.sha256 === d.sha256) return lease;
    lease?.release();
    return null;
  }

  async acquire(d: VersionDescriptor): Promise<Lease> {
    const key = keyOf(d.model, d.version);
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      const lease = this.store.acquire(key);
      if (lease && lease.loaded.descriptor.sha256 === d.sha256) return lease;
      lease?.release();
      await this.reload(key, d);
    }
    throw new ModelUnavailable(`${key} was evicted while loading: SERVING_MAX_MODELS_MB is too small for the models in use`);
  }

  private reload(key: string, d: VersionDescriptor): Promise<void> {
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.loadIntoStore(key, d).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async loadIntoStore(key: string, d: VersionDescriptor): Promise<void> {
    try {
      this.store.put(key, await this.loader.load(d)).release();
      this.metrics.loads.inc({ model: d.model });
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      this.failures.record(d, err);
      throw new ModelUnavailable(`${key} could not be loaded again (${err.reason}): ${err.message}`);
    }
  }
}
