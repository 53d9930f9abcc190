import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LoadFailure } from '@modelyard/types';
import { ServingMetrics } from '../serving.metrics.js';
import { keyOf, type LoadError, type VersionDescriptor } from './loaded-version.js';

interface Recorded extends LoadFailure {
  sha256: string;
  transient: boolean;
}

/**
 * Versions that should serve but could not be loaded, shown by GET /v1/models, /health/ready and
 * the load-failure metric. A failure that the same bytes would repeat (a corrupt file, a schema
 * mismatch) is not retried until the artifact changes; a download failure is retried at the next
 * reconcile. A failure is forgotten once its version loads or is no longer wanted.
 */
@Injectable()
export class LoadFailures {
  private readonly logger = new Logger(LoadFailures.name);
  private readonly byKey = new Map<string, Recorded>();

  constructor(@Inject(ServingMetrics) private readonly metrics: ServingMetrics) {}

  record(d: VersionDescriptor, err: LoadError): void {
    const key = keyOf(d.model, d.version);
    const previous = this.byKey.get(key);
    const failure: Recorded = {
      model: d.model,
      version: d.version,
      artifact: d.artifact,
      reason: err.reason,
      error: err.message,
      at: new Date().toISOString(),
      sha256: d.sha256,
      transient: err.transient,
    };
    this.byKey.set(key, failure);
    this.metrics.loadFailures.inc({ model: d.model, reason: err.reason });
    // Logged once per distinct failure: a download retried every reconcile would otherwise repeat it.
    if (previous?.error !== failure.error) this.logger.error(`${key} cannot serve (${err.reason}): ${err.message}`);
  }

  /** Whether loading these bytes again would fail the same way. */
  isPermanent(d: VersionDescriptor): boolean {
    const failure = this.byKey.get(keyOf(d.model, d.version));
    return failure !== undefined && !failure.transient && failure.sha256 === d.sha256;
  }

  clear(model: string, version: string): void {
    this.byKey.delete(keyOf(model, version));
  }

  /** Forgets the model's failures except for the versions it still wants. */
  retain(model: string, versions: ReadonlySet<string>): void {
    for (const [key, f] of this.byKey) if (f.model === model && !versions.has(f.version)) this.byKey.delete(key);
  }

  list(model?: string): LoadFailure[] {
    return [...this.byKey.values()]
      .filter((f) => model === undefined || f.model === model)
      .map(({ sha256: _sha, transient: _t, ...failure }) => failure);
  }
}
