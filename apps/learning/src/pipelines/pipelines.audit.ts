import type { Prisma } from '@modelyard/db';
import { recordAudit } from '@modelyard/platform';
import type { Pipeline } from './pipeline.js';
import { toPipelineResponse } from './pipelines.mapper.js';

export const pipelineTarget = (id: string) => `pipeline:${id}`;

/** A learning_audit_events entry for a pipeline change, in the change's transaction; the pipeline as its API shows it. */
export function auditPipeline(
  tx: Prisma.TransactionClient,
  action: string,
  actor: string,
  before: Pipeline | null,
  after: Pipeline | null,
  reason: string | null = null,
) {
  const subject = (after ?? before)!;
  return recordAudit(tx, 'learning', {
    action,
    actor,
    target: pipelineTarget(subject.id),
    model: subject.model,
    before: before && toPipelineResponse(before),
    after: after && toPipelineResponse(after),
    reason,
  });
}
