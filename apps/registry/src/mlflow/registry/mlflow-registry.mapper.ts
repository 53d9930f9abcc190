import type { ModelAlias } from '@modelyard/db';
import { toRunId } from '../../tracking/run-ids.js';
import { nonEmpty } from '../mlflow.mapper.js';
import { keyTags, type ModelRow, type VersionRow } from './mlflow-registry.repository.js';
import { MLFLOW_STAGES, toMlflowStage } from './stage-mapping.js';

// MLflow's RegisteredModel and ModelVersion messages in its JSON: version numbers as strings,
// timestamps in ms as numbers, unset optional fields and empty lists left out.

export function mlflowVersion(row: VersionRow, aliases: ModelAlias[]) {
  const names = aliases.filter((a) => a.modelId === row.modelId && a.version === row.version).map((a) => a.alias);
  return {
    name: row.model.name,
    version: String(row.number),
    creation_timestamp: row.createdAt.getTime(),
    last_updated_timestamp: row.updatedAt.getTime(),
    user_id: row.createdBy,
    current_stage: toMlflowStage(row.stage),
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.source === null ? {} : { source: row.source }),
    ...(row.runId === null ? {} : { run_id: toRunId(row.runId) }),
    ...(row.runLink === null ? {} : { run_link: row.runLink }),
    // Versions are complete when created (files are linked in the same transaction): always READY.
    status: 'READY',
    ...nonEmpty('tags', keyTags(row.keyTags)),
    ...nonEmpty('aliases', names.sort()),
  };
}

/** The newest version (highest number) in each MLflow stage asked for, in MLflow's stage order. */
export function latestPerStage(versions: VersionRow[], stages: readonly string[] = MLFLOW_STAGES): VersionRow[] {
  const newest = new Map<string, VersionRow>();
  for (const v of versions) {
    const stage = toMlflowStage(v.stage);
    const held = newest.get(stage);
    if (!held || v.number > held.number) newest.set(stage, v);
  }
  return MLFLOW_STAGES.filter((s) => stages.includes(s)).flatMap((s) => newest.get(s) ?? []);
}

export function mlflowModel(row: ModelRow, versions: VersionRow[]) {
  const own = versions.filter((v) => v.modelId === row.id);
  const numbers = new Map(own.map((v) => [v.version, v.number]));
  const aliases = row.aliases
    .filter((a) => numbers.has(a.version))
    .map((a) => ({ alias: a.alias, version: String(numbers.get(a.version)) }))
    .sort((a, b) => (a.alias < b.alias ? -1 : 1));
  return {
    name: row.name,
    creation_timestamp: row.createdAt.getTime(),
    last_updated_timestamp: row.updatedAt.getTime(),
    ...(row.description === null ? {} : { description: row.description }),
    ...nonEmpty(
      'latest_versions',
      latestPerStage(own).map((v) => mlflowVersion(v, row.aliases)),
    ),
    ...nonEmpty('tags', keyTags(row.keyTags)),
    ...nonEmpty('aliases', aliases),
  };
}
