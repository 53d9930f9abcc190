import type { ReadinessCheck } from '@modelyard/platform';
import type { LoadFailures } from '../models/load-failures.js';
import type { ModelStore } from '../models/model-store.js';
import type { Reconciler } from '../models/reconciler.js';
import type { ServingTable } from '../models/serving-table.js';
import type { Drain } from './drain.js';

/**
 * /health/ready's `models` check: down while shutting down and until the first full reconcile has
 * loaded what the registry designates (a pod takes traffic only with its models warm). Versions
 * that failed to load do not make it down (what served before still serves) but are listed.
 */
export function servingReadiness(deps: {
  drain: Drain;
  reconciler: Reconciler;
  table: ServingTable;
  store: ModelStore;
  failures: LoadFailures;
}): ReadinessCheck {
  return {
    name: 'models',
    async check() {
      if (deps.drain.isDraining) throw new Error('shutting down: draining requests in flight');
      if (!deps.reconciler.isSynced) throw new Error('loading: the first reconcile with the registry has not completed');
      return { served: deps.table.models().length, inMemory: deps.store.keys().length, failures: deps.failures.list() };
    },
  };
}
