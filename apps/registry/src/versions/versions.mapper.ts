import type { ModelVersion } from '@modelyard/db';
import type { VersionResponse } from '@modelyard/types';
import { parseReport } from '../validation/validation-report.js';

export function toVersionResponse(model: string, row: ModelVersion): VersionResponse {
  return {
    id: row.id,
    model,
    version: row.version,
    stage: row.stage,
    description: row.description,
    tags: row.tags,
    metrics: row.metrics as VersionResponse['metrics'],
    params: row.params as VersionResponse['params'],
    config: row.config as VersionResponse['config'],
    trainingInfo: row.trainingInfo as VersionResponse['trainingInfo'],
    inputSchema: (row.inputSchema ?? null) as VersionResponse['inputSchema'],
    outputSchema: (row.outputSchema ?? null) as VersionResponse['outputSchema'],
    lineage: {
      parentVersion: row.parentVersion,
      pipelineId: row.pipelineId,
      experimentKey: row.experimentKey,
      dataset: row.dataset,
      runId: row.runId ? row.runId.replaceAll('-', '') : null,
    },
    run: row.runId ? { id: row.runId.replaceAll('-', ''), url: `/v1/runs/${row.runId.replaceAll('-', '')}` } : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    stageChangedAt: row.stageChangedAt.toISOString(),
    integrityFailedAt: row.integrityFailedAt?.toISOString() ?? null,
    validation: parseReport(row.validation),
  };
}

/** The part of a version an audit entry needs to show a stage change. */
export function stageSnapshot(row: Pick<ModelVersion, 'version' | 'stage'>) {
  return { version: row.version, stage: row.stage };
}
