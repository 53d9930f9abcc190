import type { LearningCheckpoint, LearningUpdate } from '@modelyard/db';
import { GateResult, UpdateEntry } from '@modelyard/types';
import { parseColumn } from '@modelyard/platform';
import { LearnerState, ProgressiveStateJson } from './learner.js';
import type { Checkpoint, MetricsJson, UpdateRun } from './update.js';

const Metrics = UpdateEntry.shape.metricsBefore;

/** Metric values as JSON: NaN (a metric with nothing to report yet) becomes null. */
export function metricsJson(values: Record<string, number>): MetricsJson {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}

export function toCheckpoint(row: LearningCheckpoint): Checkpoint {
  return {
    seq: row.seq,
    version: row.version,
    samplesSeen: row.samplesSeen,
    model: parseColumn(LearnerState, row.model, 'learning_checkpoints.model', row.id),
    progressive: parseColumn(ProgressiveStateJson, row.progressive, 'learning_checkpoints.progressive', row.id),
    metrics: parseColumn(Metrics, row.metrics, 'learning_checkpoints.metrics', row.id),
  };
}

export function toUpdateRun(row: LearningUpdate): UpdateRun {
  return {
    ...row,
    metricsBefore: parseColumn(Metrics, row.metricsBefore, 'learning_updates.metricsBefore', row.id),
    metricsAfter: parseColumn(Metrics, row.metricsAfter, 'learning_updates.metricsAfter', row.id),
    gate: parseColumn(GateResult.nullable(), row.gate, 'learning_updates.gate', row.id),
  };
}

export function toUpdateEntry(run: UpdateRun): UpdateEntry {
  return {
    id: run.id,
    seq: run.seq,
    reason: run.reason,
    outcome: run.outcome,
    samples: run.samples,
    holdout: run.holdout,
    metricsBefore: run.metricsBefore,
    metricsAfter: run.metricsAfter,
    gate: run.gate,
    version: run.version,
    experimentKey: run.experimentKey,
    driftReportId: run.driftReportId,
    detail: run.detail,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
  };
}
