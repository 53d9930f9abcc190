import type { Prisma } from '@modelyard/db';
import { recordAudit } from '@modelyard/platform';
import type { Experiment } from './experiment.js';
import type { ExperimentChange } from './experiment-rules.js';
import { toExperimentResponse } from './experiments.mapper.js';

/** Who made a change, and why when it was not a person's request (the tick). */
export interface ChangeBy {
  actor: string;
  reason?: string | null;
}

/** The actor of changes nobody asked for at that moment: bandit re-weighing, automatic conclusions. */
export const SYSTEM_ACTOR = 'system';

export const experimentTarget = (key: string) => `experiment:${key}`;

/** A PATCH that only moves weights (or a bandit's re-weighing) is `weights_changed`; anything else `updated`. */
export function changeAction(change: ExperimentChange): string {
  const weightsOnly = change.variants && change.coverage === undefined && !change.guardrails && change.description === undefined;
  return weightsOnly && !change.autoPromote ? 'experiment.weights_changed' : 'experiment.updated';
}

/** An experiments_audit_events entry in the change's transaction, the experiment as its API shows it. */
export function auditExperiment(
  tx: Prisma.TransactionClient,
  action: string,
  by: ChangeBy,
  before: Experiment | null,
  after: Experiment | null,
): Promise<void> {
  const subject = (after ?? before)!;
  return recordAudit(tx, 'experiments', {
    action,
    actor: by.actor,
    target: experimentTarget(subject.key),
    model: subject.model,
    before: before && toExperimentResponse(before),
    after: after && toExperimentResponse(after),
    reason: by.reason ?? null,
  });
}
