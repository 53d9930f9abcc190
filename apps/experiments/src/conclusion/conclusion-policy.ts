import { Forbidden, type Principal } from '@modelyard/platform';
import type { ConcludeBody, Conclusion } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import type { PromotionRefusal } from '../registry.client.js';
import type { Recommendation } from '../results/recommendation.js';

/** The registry's limit on a promotion reason. */
const REASON_MAX = 1000;
const HOUR_MS = 3_600_000;

/** Why the tick concludes an experiment on its own (recorded as the conclusion's reason). */
export type AutomaticReason = 'maximum duration reached' | 'auto-promotion';

/** The conclusion without its promotion outcome, decided before the registry is asked. */
export type ConclusionBase = Omit<Conclusion, 'promoted' | 'promotionError' | 'awaitingApprovals'>;

/** The winner's promotion as the registry answered it: done (refusal null), or refused. */
export interface PromotionOutcome {
  refusal: PromotionRefusal | null;
  /** The version and audit reason asked for, kept to ask again while approvals are missing. */
  version: string;
  reason: string;
}

/**
 * The winner a recommendation declares: a treatment to ship. Shipping the control (every
 * treatment is worse) declares none, nor does anything short of `ship`: a guardrail that does not
 * pass, a sample ratio mismatch or fewer than `minSampleSize` units keep the recommendation at
 * `keep_running` (results/recommendation.ts).
 */
export function winnerOf(recommendation: Recommendation, control: string): string | null {
  const { action, variant } = recommendation;
  return action === 'ship' && variant !== null && variant !== control ? variant : null;
}

/** Past `maxDurationHours` since it (last) started. */
export function isOverdue(e: Pick<Experiment, 'maxDurationHours' | 'startedAt'>, now: Date): boolean {
  if (e.maxDurationHours === null || e.startedAt === null) return false;
  return now.getTime() - e.startedAt.getTime() > e.maxDurationHours * HOUR_MS;
}

/**
 * Why the tick concludes a running experiment now, or null to let it run: past its maximum
 * duration (winner or not); or, with autoPromote turned on by an admin on record, as soon as the
 * results declare a winner. Only an admin may turn autoPromote on; with nobody on record (turned
 * on before that rule), nothing concludes on its own. `recommendation` is asked only when needed.
 */
export async function tickConclusion(
  e: Pick<Experiment, 'maxDurationHours' | 'startedAt' | 'autoPromote' | 'autoPromoteEnabledBy' | 'control'>,
  now: Date,
  recommendation: () => Promise<Recommendation>,
): Promise<AutomaticReason | null> {
  if (isOverdue(e, now)) return 'maximum duration reached';
  if (!e.autoPromote || !e.autoPromoteEnabledBy) return null;
  return winnerOf(await recommendation(), e.control) ? 'auto-promotion' : null;
}

/**
 * The tick's conclusion, as the service itself: it promotes only what an admin enabled, and names
 * them in the registry's audit (`onBehalf`).
 */
export function automaticConclusion(
  e: Pick<Experiment, 'autoPromote' | 'autoPromoteEnabledBy'>,
  reason: AutomaticReason,
): { body: ConcludeBody; onBehalf: string } {
  const enabledBy = e.autoPromote ? e.autoPromoteEnabledBy : null;
  const onBehalf = enabledBy ? `auto-promotion enabled by ${enabledBy}` : 'concluded automatically';
  return { body: { promote: enabledBy !== null, reason }, onBehalf };
}

/** Whether concluding promotes (asked, or the experiment's autoPromote); promoting needs admin. */
export function promotionWanted(body: ConcludeBody, e: Pick<Experiment, 'autoPromote'>, who: Principal): boolean {
  const promote = body.promote ?? e.autoPromote;
  if (promote && !who.scopes.has('admin')) throw new Forbidden('admin');
  return promote;
}

/** The registry's audit reason: the experiment, the evidence, and who the promotion is for. */
export function promotionReason(key: string, evidence: string, onBehalf: string): string {
  return `experiment ${key}: ${evidence}; ${onBehalf}`.slice(0, REASON_MAX);
}

/** Recorded while the promotion runs, so a crash meanwhile leaves a conclusion saying so. */
export function pendingConclusion(base: ConclusionBase): Conclusion {
  return { ...base, promoted: false, promotionError: 'promotion pending' };
}

/**
 * The recorded conclusion. `promotionError`: the registry's refusal, or null when it promoted or
 * nothing was to be promoted; wanting promotion with no winner is recorded as such.
 */
export function finalConclusion(base: ConclusionBase, promote: boolean, outcome: PromotionOutcome | string | null): Conclusion {
  if (promote && base.winner === null) return { ...base, promoted: false, promotionError: 'no winner to promote', awaitingApprovals: null };
  if (typeof outcome === 'string') return { ...base, promoted: false, promotionError: outcome, awaitingApprovals: null };
  const refusal = outcome?.refusal ?? null;
  return {
    ...base,
    promoted: promote && base.winner !== null && outcome !== null && refusal === null,
    promotionError: refusal?.message ?? null,
    awaitingApprovals: refusal?.awaitingApprovals && outcome ? { version: outcome.version, reason: outcome.reason } : null,
  };
}
