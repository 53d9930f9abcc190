import { Conflict, Forbidden, type Principal } from '@modelyard/platform';
import type { ExperimentStatus, UpdateExperimentBody, Variant, WeightPeriod } from '@modelyard/types';
import type { Experiment, GuardrailDef } from './experiment.js';

/** Where each status may go; `start`, `stop` and `conclude` are the only ways to move. */
export const EXPERIMENT_TRANSITIONS: ReadonlyMap<ExperimentStatus, readonly ExperimentStatus[]> = new Map([
  ['draft', ['running']],
  ['running', ['stopped', 'concluded']],
  ['stopped', ['running', 'concluded']],
  ['concluded', []],
]);

/** The statuses `to` may be reached from. */
export function transitionSources(to: ExperimentStatus): ExperimentStatus[] {
  return [...EXPERIMENT_TRANSITIONS].filter(([, next]) => next.includes(to)).map(([from]) => from);
}

/** Where a status may go (for the error that refuses a move). */
export function allowedFrom(from: ExperimentStatus): readonly ExperimentStatus[] {
  return EXPERIMENT_TRANSITIONS.get(from) ?? [];
}

/** The timestamps a move to `to` sets: (re)starting clears the end, any other move ends it. */
export function transitionStamps(to: ExperimentStatus, now: Date): { startedAt?: Date; endedAt: Date | null } {
  return to === 'running' ? { startedAt: now, endedAt: null } : { endedAt: now };
}

/** What a PATCH changes, as decided by `planChange`; absent fields stay as they are. */
export interface ExperimentChange {
  /** All variants, in their order, with the new weights. */
  variants?: Variant[];
  coverage?: number;
  guardrails?: GuardrailDef[];
  description?: string;
  autoPromote?: { on: boolean; enabledBy: string | null };
  /** A bandit's weight periods, the new one appended (with its weights in `variants`). */
  weightPeriods?: WeightPeriod[];
  /** Weights and coverage move units that are not assigned yet: the SDK must fetch the config again. */
  bumpRevision: boolean;
}

/**
 * A PATCH of an experiment as it stands: weight, coverage, guardrail, description and autoPromote
 * changes are allowed while draft or running (a stopped or concluded experiment is a record), and
 * weights only for variants it has. `enabledBy` comes with `body.autoPromote` (null: off).
 */
export function planChange(current: Experiment, body: UpdateExperimentBody, enabledBy?: string | null): ExperimentChange {
  if (current.status === 'stopped' || current.status === 'concluded') {
    throw new Conflict(`experiment '${current.key}' is ${current.status}; it can no longer change`);
  }
  if (body.weights && current.type === 'bandit') {
    throw new Conflict(`experiment '${current.key}' is a bandit: it sets its own weights every tick`);
  }
  // A Map, not the body's object: a variant named `constructor` must not find Object.prototype's.
  const weights = new Map(Object.entries(body.weights ?? {}));
  const unknown = [...weights.keys()].filter((k) => !current.variants.some((v) => v.key === k));
  if (unknown.length) throw new Conflict(`unknown variant(s): ${unknown.join(', ')}`, { unknownVariants: unknown });
  return {
    ...(body.weights ? { variants: current.variants.map((v) => ({ ...v, weight: weights.get(v.key) ?? v.weight })) } : {}),
    ...(body.coverage !== undefined ? { coverage: body.coverage } : {}),
    ...(body.guardrails ? { guardrails: body.guardrails } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.autoPromote !== undefined ? { autoPromote: { on: body.autoPromote, enabledBy: enabledBy ?? null } } : {}),
    bumpRevision: body.weights !== undefined || body.coverage !== undefined,
  };
}

/**
 * Automatic promotion acts with the rights of whoever turns it on, so turning it on needs the scope
 * promotion needs (admin); turning it off needs nothing more than the route's. Returns who is on
 * record as having enabled it (null when off): a service creating the experiment for someone else
 * names them, and stays on record as the one who vouched for it.
 */
export function autoPromoteEnabler(autoPromote: boolean, who: Principal, onBehalfOf?: string): string | null {
  if (!autoPromote) return null;
  if (!who.scopes.has('admin')) throw new Forbidden('admin');
  return onBehalfOf ? `${onBehalfOf} via ${who.id}` : who.id;
}
