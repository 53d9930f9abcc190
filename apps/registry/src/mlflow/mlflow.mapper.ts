import type { ProjectRow } from '../tracking/projects.repository.js';
import { artifactUri, toRunId } from '../tracking/run-ids.js';
import type { RunRow } from '../tracking/runs.repository.js';
import { metricValue, toPoint } from '../tracking/tracking.mapper.js';

// Responses in MLflow's JSON: snake_case, ms timestamps as numbers, and proto3's habit of leaving
// out empty repeated fields and unset optional ones.

const nonEmpty = <T>(name: string, items: T[]) => (items.length ? { [name]: items } : {});
const keyValues = (rows: { key: string; value: string }[]) =>
  [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => ({ key: r.key, value: r.value }));

export function mlflowExperiment(row: ProjectRow) {
  return {
    experiment_id: String(row.id),
    name: row.name,
    artifact_location: row.artifactLocation,
    lifecycle_stage: row.lifecycle,
    last_update_time: row.updatedAt.getTime(),
    creation_time: row.createdAt.getTime(),
    ...nonEmpty('tags', keyValues(row.tags)),
  };
}

export function mlflowRunInfo(row: RunRow) {
  const id = toRunId(row.id);
  return {
    run_id: id,
    run_uuid: id,
    run_name: row.name,
    experiment_id: String(row.projectId),
    user_id: row.userId,
    status: row.status,
    start_time: Number(row.startTime),
    ...(row.endTime === null ? {} : { end_time: Number(row.endTime) }),
    artifact_uri: artifactUri(row.project.artifactLocation, row.id),
    lifecycle_stage: row.lifecycle,
  };
}

export function mlflowMetric(row: Parameters<typeof toPoint>[0]) {
  return { key: row.key, value: metricValue(row.value), timestamp: Number(row.timestamp), step: Number(row.step) };
}

export function mlflowRun(row: RunRow) {
  const metrics = [...row.latest].sort((a, b) => (a.key < b.key ? -1 : 1)).map(mlflowMetric);
  const datasets = row.inputs.map((d) => ({
    ...nonEmpty('tags', d.tags as { key: string; value: string }[]),
    dataset: {
      name: d.name,
      digest: d.digest,
      source_type: d.sourceType,
      source: d.source,
      ...(d.schema === null ? {} : { schema: d.schema }),
      ...(d.profile === null ? {} : { profile: d.profile }),
    },
  }));
  return {
    info: mlflowRunInfo(row),
    data: { ...nonEmpty('metrics', metrics), ...nonEmpty('params', keyValues(row.params)), ...nonEmpty('tags', keyValues(row.tags)) },
    inputs: nonEmpty('dataset_inputs', datasets),
  };
}

export const withToken = (token: string | null) => (token ? { next_page_token: token } : {});
export { nonEmpty };
