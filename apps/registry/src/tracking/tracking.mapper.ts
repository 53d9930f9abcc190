import type { TrackingLatestMetric } from '@modelyard/db';
import type { MetricValue, ProjectResponse, RunResponse } from '@modelyard/types';
import type { HistoryPoint } from './metrics.repository.js';
import type { ProjectRow } from './projects.repository.js';
import type { RunFile } from './run-artifacts.service.js';
import { artifactUri, toRunId } from './run-ids.js';
import type { RunRow } from './runs.repository.js';

/** JSON has no NaN or infinities: those values are written as the strings MLflow uses. */
export function metricValue(value: MetricValue): MetricValue {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

const byKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const keyValues = (rows: { key: string; value: string }[]) => byKey(rows).map((r) => ({ key: r.key, value: r.value }));

export function toPoint(row: TrackingLatestMetric | HistoryPoint) {
  return { key: row.key, value: metricValue(row.value), step: Number(row.step), timestamp: Number(row.timestamp) };
}

export function toProjectResponse(row: ProjectRow): ProjectResponse {
  return {
    id: String(row.id),
    name: row.name,
    artifactLocation: row.artifactLocation,
    lifecycle: row.lifecycle,
    tags: keyValues(row.tags),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toRunResponse(row: RunRow): RunResponse {
  return {
    id: toRunId(row.id),
    projectId: String(row.projectId),
    name: row.name,
    status: row.status,
    userId: row.userId,
    startTime: Number(row.startTime),
    endTime: row.endTime === null ? null : Number(row.endTime),
    lifecycle: row.lifecycle,
    artifactUri: artifactUri(row.project.artifactLocation, row.id),
    params: keyValues(row.params),
    tags: keyValues(row.tags),
    metrics: byKey(row.latest).map(toPoint),
  };
}

export function toRunFileResponse(file: RunFile) {
  return { path: file.path, size: file.size, sha256: file.sha256, uploadedAt: file.uploadedAt.toISOString() };
}
