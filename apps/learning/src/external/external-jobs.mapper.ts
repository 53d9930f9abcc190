import type { LearningExternalJob } from '@modelyard/db';
import { isClassifier, type ExternalJobResponse } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { windowOf, type ExternalJob } from './external-job.js';

export function toExternalJob(row: LearningExternalJob): ExternalJob {
  return {
    id: row.id,
    pipelineId: row.pipelineId,
    reason: row.reason,
    driftReportId: row.driftReportId,
    status: row.status,
    fromSample: row.fromSample,
    toSample: row.toSample,
    holdout: row.holdout,
    fresh: row.fresh,
    parentVersion: row.parentVersion,
    attempts: row.attempts,
    leaseToken: row.leaseToken,
    worker: row.worker,
    leaseExpiresAt: row.leaseExpiresAt,
    seq: row.seq,
    version: row.version,
    outcome: row.outcome,
    detail: row.detail,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The production version as a claim names it: where its artifacts are in the registry's API. */
export type ProductionArtifacts = ExternalJobResponse['production'];

/**
 * The job as a worker sees it. The lease token is shown only in the claim's answer (`withToken`):
 * it is what proves the lease afterwards.
 */
export function toExternalJobResponse(
  job: ExternalJob,
  p: Pipeline,
  o: { production?: ProductionArtifacts; withToken?: boolean } = {},
): ExternalJobResponse {
  return {
    id: job.id,
    pipeline: p.name,
    pipelineId: p.id,
    model: p.model,
    reason: job.reason,
    driftReportId: job.driftReportId,
    status: job.status,
    attempts: job.attempts,
    task: isClassifier(p.learner) ? 'classification' : 'regression',
    features: p.features,
    target: p.target,
    ...windowOf(job),
    gate: p.gate,
    start: job.fresh ? 'fresh' : 'previous',
    parentVersion: job.parentVersion,
    ...(o.withToken && job.leaseToken ? { leaseToken: job.leaseToken } : {}),
    worker: job.worker,
    leaseExpiresAt: job.leaseExpiresAt?.toISOString() ?? null,
    production: o.production ?? null,
    version: job.version,
    outcome: job.outcome,
    detail: job.detail,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}
