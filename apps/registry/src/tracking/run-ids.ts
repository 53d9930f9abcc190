import { NotFound } from '@modelyard/platform';

/** Runs are stored by UUID and shown as 32 hex digits, as MLflow writes run ids. */
export const toRunId = (uuid: string) => uuid.replaceAll('-', '');

/** The stored UUID of a run id (either form); NotFound for anything else, as no run has that id. */
export function runUuid(runId: string): string {
  const hex = runId.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new NotFound('run', runId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Project ids are integers shown as strings (MLflow's experiment ids); "0" is the default project. */
export function projectKey(id: string): bigint {
  if (!/^\d{1,18}$/.test(id)) throw new NotFound('project', id);
  return BigInt(id);
}

export const artifactUri = (projectLocation: string, runId: string) => `${projectLocation}/${toRunId(runId)}/artifacts`;
