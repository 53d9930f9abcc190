import type { LearningPipeline, LearningUpdate } from '@modelyard/db';
import type { AdaptiveSpec, PipelineFeature, Gate, GateResult, LearnerSpec, PipelineResponse, RegisterSpec, UpdateEntry } from '@modelyard/types';
import type { z } from 'zod';

/** The pipeline row's JSON columns, typed (they are written only from validated bodies). */
export interface PipelineSpec {
  learner: LearnerSpec;
  features: PipelineFeature[];
  gate: Gate;
  register: RegisterSpec;
  adaptive: z.infer<typeof AdaptiveSpec> | null;
}

export function specOf(row: LearningPipeline): PipelineSpec {
  return {
    learner: row.learner as LearnerSpec,
    features: row.features as PipelineFeature[],
    gate: row.gate as Gate,
    // Pipelines stored before `autoPromote` existed read as the default (off).
    register: { autoPromote: false, ...(row.register as Partial<RegisterSpec>) } as RegisterSpec,
    adaptive: (row.adaptive ?? null) as PipelineSpec['adaptive'],
  };
}

export function toPipelineResponse(row: LearningPipeline): PipelineResponse {
  const spec = specOf(row);
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    description: row.description,
    state: row.state,
    learner: spec.learner,
    features: spec.features,
    target: row.target,
    strategy: row.strategy as PipelineResponse['strategy'],
    batchSize: row.batchSize,
    minSamples: row.minSamples,
    maxBuffer: row.maxBuffer,
    schedule: row.scheduleSeconds === null ? null : { everySeconds: row.scheduleSeconds },
    adaptive: spec.adaptive,
    gate: spec.gate,
    register: spec.register,
    autoPromoteEnabledBy: row.autoPromoteEnabledBy,
    onDrift: row.onDrift as PipelineResponse['onDrift'],
    currentVersion: row.currentVersion,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Metric values as JSON: NaN (a metric with nothing to report yet) becomes null. */
export function metricsJson(values: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

export function toUpdateEntry(row: LearningUpdate): UpdateEntry {
  return {
    id: row.id,
    seq: row.seq,
    reason: row.reason as UpdateEntry['reason'],
    outcome: row.outcome as UpdateEntry['outcome'],
    samples: row.samples,
    holdout: row.holdout,
    metricsBefore: row.metricsBefore as UpdateEntry['metricsBefore'],
    metricsAfter: row.metricsAfter as UpdateEntry['metricsAfter'],
    gate: (row.gate ?? null) as GateResult | null,
    version: row.version,
    experimentKey: row.experimentKey,
    driftReportId: row.driftReportId,
    detail: row.detail,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
  };
}
