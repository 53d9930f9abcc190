import { Inject, Injectable } from '@nestjs/common';
import type { ServedModelResponse } from '@modelyard/types';
import { LoadFailures } from './load-failures.js';
import { variantTarget } from '../experiments/running-experiment.js';
import { keyOf, type VersionDescriptor } from './loaded-version.js';
import { ModelStore } from './model-store.js';
import { NotServed, ServingTable } from './serving-table.js';

/** What GET /v1/models shows: each model's targets, their versions (in memory or not) and failures. */
@Injectable()
export class ServedModels {
  constructor(
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(ModelStore) private readonly store: ModelStore,
    @Inject(LoadFailures) private readonly failures: LoadFailures,
  ) {}

  list(): ServedModelResponse[] {
    const models = new Set([...this.table.models(), ...this.failures.list().map((f) => f.model)]);
    return [...models].sort().map((m) => this.describe(m));
  }

  get(model: string): ServedModelResponse {
    const served = this.describe(model);
    if (!served.versions.length && !served.failures.length) throw new NotServed(`model '${model}' is not served`);
    return served;
  }

  private describe(model: string): ServedModelResponse {
    const routes = this.table.get(model);
    const byVersion = new Map<string, { d: VersionDescriptor; targets: string[] }>();
    const add = (target: string, d: VersionDescriptor) => {
      const entry = byVersion.get(d.version) ?? { d, targets: [] };
      entry.targets.push(target);
      byVersion.set(d.version, entry);
    };
    if (routes?.production) add('production', routes.production);
    for (const [alias, d] of routes?.aliases ?? []) add(`alias:${alias}`, d);
    if (routes?.shadow) add('shadow', routes.shadow);
    const experiment = routes?.experiment;
    for (const [variant, d] of experiment?.variants ?? []) add(variantTarget(experiment!.key, variant), d);
    return {
      model,
      production: routes?.production?.version ?? null,
      aliases: [...(routes?.aliases ?? [])].map(([alias, d]) => ({ alias, version: d.version })),
      experiments: (routes?.running ?? []).map((e) => ({
        key: e.key,
        routing: e.id === experiment?.id,
        variants: e.variants.map((v) => ({ variant: v.key, version: v.version })),
      })),
      versions: [...byVersion.values()].map(({ d, targets }) => ({
        version: d.version,
        targets,
        format: d.format,
        artifact: d.artifact,
        sha256: d.sha256,
        sizeBytes: d.size,
        inMemory: this.store.has(keyOf(model, d.version)),
      })),
      failures: this.failures.list(model),
    };
  }
}
