import { Inject, Injectable } from '@nestjs/common';
import type { ServingSettings } from '../config.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { AssignmentCache } from '@modelyard/assignment';
import { ExperimentsSource } from './experiments.source.js';
import type { RoutedExperiment } from './running-experiment.js';

/** The assignments route takes up to 1000 units per call. */
const MAX_BATCH = 1_000;
/**
 * Calls in flight per experiment. Beyond them, new units wait for one to finish and go together:
 * an idle service is asked at once, a busy one gets fewer, larger calls instead of one per request.
 */
const MAX_IN_FLIGHT = 2;

interface Waiter {
  resolve: (variant: string | null) => void;
  reject: (err: unknown) => void;
}

interface Batch {
  experiment: RoutedExperiment;
  units: Map<string, Waiter[]>;
}

/**
 * Units' variants, exactly as the experiments service assigns them.
 *
 * Why the service's assignment API (batched, cached) rather than the SDK's LocalAssigner hashing:
 * - A unit's variant is its *first* assignment, kept by the service in its sticky store (a Redis
 *   hash it owns, backed by its Postgres table while Redis restores). After a weight or coverage
 *   change the hash alone gives other variants for units assigned before (LocalAssigner says so and
 *   sdk.e2e.spec.ts shows it). Reading and writing that store from here would mean serving using
 *   another service's Redis keys and tables (its HSETNX, its queue of new assignments, its Postgres
 *   fallback, its traffic metric), against one owner per table, and copying logic that would drift.
 * - The first assignment must be recorded before the unit is answered: recorded later, a weight
 *   change in between would leave the unit served one variant and assigned another.
 * So the first time a unit is seen, the service is asked (POST …/assignments, which records it);
 * its answer is then kept in process (AssignmentCache: a variant is final for the experiment, an
 * "outside" answer for the service's own config-cache second), so a unit's later calls cost
 * nothing. Concurrent first lookups of one experiment share one call (up to 1000 units, sent on the
 * next turn of the event loop, or when one of the MAX_IN_FLIGHT calls already out returns). The answer is therefore the service's by construction, for every
 * unit, before and after any weight change.
 */
@Injectable()
export class Assignments {
  private readonly cache: AssignmentCache;
  private readonly pending = new Map<string, Batch>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    @Inject(SERVING_SETTINGS) settings: ServingSettings,
    @Inject(ExperimentsSource) private readonly source: ExperimentsSource,
  ) {
    this.cache = new AssignmentCache(settings.assignmentCacheUnits);
  }

  /** The unit's variant key, or null when it is outside the experiment; rejects when the service cannot answer. */
  variantOf(experiment: RoutedExperiment, unit: string): Promise<string | null> {
    const known = this.cache.get(experiment.id, unit);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => this.enqueue(experiment, unit, { resolve, reject }));
  }

  private enqueue(experiment: RoutedExperiment, unit: string, waiter: Waiter): void {
    let batch = this.pending.get(experiment.id);
    if (!batch) {
      const created: Batch = { experiment, units: new Map() };
      batch = created;
      this.pending.set(experiment.id, created);
      // Else the batch goes when a call in flight returns.
      if ((this.inFlight.get(experiment.id) ?? 0) < MAX_IN_FLIGHT) setImmediate(() => this.send(created));
    }
    const waiters = batch.units.get(unit);
    if (waiters) waiters.push(waiter);
    else batch.units.set(unit, [waiter]);
    if (batch.units.size >= MAX_BATCH) this.send(batch);
  }

  private send(batch: Batch): void {
    // Sent once: by size, on the next turn, or when a call in flight returns (whichever comes first).
    if (this.pending.get(batch.experiment.id) !== batch) return;
    this.pending.delete(batch.experiment.id);
    const { id, key } = batch.experiment;
    const units = [...batch.units.keys()];
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    const asked = this.source.assign(key, units);
    void asked.finally(() => this.returned(id)).catch(() => undefined);
    asked.then(
      (answers) => {
        const byUnit = new Map(answers.map((a) => [a.unit, a.inExperiment ? a.variant : null]));
        for (const [unit, waiters] of batch.units) {
          const variant = byUnit.get(unit);
          if (variant === undefined) {
            waiters.forEach((w) => w.reject(new Error(`the experiments service did not answer for unit ${JSON.stringify(unit)}`)));
            continue;
          }
          this.cache.set(id, unit, variant);
          waiters.forEach((w) => w.resolve(variant));
        }
      },
      (err: unknown) => batch.units.forEach((waiters) => waiters.forEach((w) => w.reject(err))),
    );
  }

  private returned(experimentId: string): void {
    const left = (this.inFlight.get(experimentId) ?? 1) - 1;
    if (left > 0) this.inFlight.set(experimentId, left);
    else this.inFlight.delete(experimentId);
    const waiting = this.pending.get(experimentId);
    if (waiting) this.send(waiting);
  }
}
