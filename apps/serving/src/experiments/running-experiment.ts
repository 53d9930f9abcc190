import type { VersionDescriptor } from '../models/loaded-version.js';

/** A running experiment on a served model, as the experiments service lists it. */
export interface RunningExperiment {
  id: string;
  key: string;
  model: string;
  /** When it (last) started; ISO 8601. */
  startedAt: string;
  variants: readonly { key: string; version: string }[];
}

/** The experiment whose variants answer a model's units, every variant's version loaded and warmed. */
export interface RoutedExperiment {
  id: string;
  key: string;
  /** variant key → the version serving it. */
  variants: ReadonlyMap<string, VersionDescriptor>;
}

/**
 * Which of a model's running experiments routes units. The experiments service lets several run
 * on one model but knows nothing of layers: each assigns every unit it is asked about. A unit must
 * see one version per call, and an experiment's exposures must be counted for the version the unit
 * was served, so serving routes by one experiment only: the one started first (ties by key), so a
 * newer experiment never takes units away from one already running. The others are listed by
 * GET /v1/models/:name as not routing, and serving records no exposure for them.
 */
export function routingExperiment(running: readonly RunningExperiment[]): RunningExperiment | null {
  let first: RunningExperiment | null = null;
  for (const e of running) {
    if (!first || e.startedAt < first.startedAt || (e.startedAt === first.startedAt && e.key < first.key)) first = e;
  }
  return first;
}

/** The serving-table target of a variant (a metric label and GET /v1/models' `targets`). */
export const variantTarget = (experiment: string, variant: string) => `experiment:${experiment}/${variant}`;

/** target → version for each variant of the routing experiment (what the reconciler must load). */
export function experimentTargets(e: RunningExperiment | null): [string, string][] {
  return e ? e.variants.map((v) => [variantTarget(e.key, v.key), v.version]) : [];
}

/**
 * The experiment routed after a reconcile: every variant's version ready (or, for one that failed
 * to load again, the descriptor that already served it in this experiment); null when any variant
 * cannot serve. All or nothing: a unit assigned to a variant that cannot answer would otherwise get
 * another version while its exposure counts for the variant.
 */
export function nextRoutedExperiment(
  e: RunningExperiment | null,
  ready: (version: string) => VersionDescriptor | 'failed' | null | undefined,
  current: RoutedExperiment | null | undefined,
): { routed: RoutedExperiment | null; missing: string[] } {
  if (!e) return { routed: null, missing: [] };
  const before = current?.id === e.id ? current.variants : undefined;
  const variants = new Map<string, VersionDescriptor>();
  const missing: string[] = [];
  for (const v of e.variants) {
    const d = ready(v.version);
    const usable = d === 'failed' ? before?.get(v.key) : (d ?? undefined);
    if (usable) variants.set(v.key, usable);
    else missing.push(`${v.key} (${v.version})`);
  }
  return { routed: missing.length ? null : { id: e.id, key: e.key, variants }, missing };
}

/** A stable description of a model's running experiments: when it changes, the model is reconciled. */
export function signature(running: readonly RunningExperiment[]): string {
  return running
    .map((e) => `${e.id}|${e.key}|${e.startedAt}|${e.variants.map((v) => `${v.key}=${v.version}`).join(',')}`)
    .sort()
    .join(';');
}
