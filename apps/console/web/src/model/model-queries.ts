import {
  AliasResponse,
  ApprovalsResponse,
  type ApprovalBody,
  AuditPage,
  ManifestResponse,
  ModelResponse,
  VersionPage,
  VersionResponse,
  type PromoteBody,
  type RollbackBody,
  type SetAliasBody,
  type TransitionBody,
} from '@modelyard/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiPath, call, enc } from '../api';

const AliasList = z.object({ items: z.array(AliasResponse) });
/** Versions shown on a model's page (newest first); the chart and table use the same list. */
export const VERSION_LIMIT = 200;

const modelPath = (name: string, rest = '') => `/v1/models/${enc(name)}${rest}`;

export function useModel(name: string) {
  return useQuery({ queryKey: ['model', name], queryFn: () => call(apiPath('registry', modelPath(name)), { schema: ModelResponse }) });
}

export function useVersions(name: string) {
  return useQuery({
    queryKey: ['model', name, 'versions'],
    queryFn: () => call(apiPath('registry', modelPath(name, '/versions'), { limit: VERSION_LIMIT }), { schema: VersionPage }),
  });
}

export function useAliases(name: string) {
  return useQuery({
    queryKey: ['model', name, 'aliases'],
    queryFn: () => call(apiPath('registry', modelPath(name, '/aliases')), { schema: AliasList }),
  });
}

export function useAudit(name: string) {
  return useQuery({
    queryKey: ['model', name, 'audit'],
    queryFn: () => call(apiPath('registry', '/v1/audit', { model: name, limit: 100 }), { schema: AuditPage }),
  });
}

/**
 * One version: from the page's list when it holds it (the newest ones, refreshed with the page),
 * else fetched (an older version chosen through the URL).
 */
export function useVersion(name: string, version: string | null, list: readonly VersionResponse[] | undefined) {
  const listed = list?.find((v) => v.version === version);
  const fetched = useQuery({
    queryKey: ['model', name, 'version', version],
    enabled: version !== null && list !== undefined && listed === undefined,
    queryFn: () => call(apiPath('registry', modelPath(name, `/versions/${enc(version!)}`)), { schema: VersionResponse }),
  });
  return listed ? { data: listed, error: null } : { data: fetched.data, error: fetched.error };
}

export function useArtifacts(name: string, version: string | null) {
  return useQuery({
    queryKey: ['model', name, 'artifacts', version],
    enabled: version !== null,
    queryFn: () => call(apiPath('registry', modelPath(name, `/versions/${enc(version!)}/artifacts`)), { schema: ManifestResponse }),
  });
}

/** Where a version stands against its model's `requiredApprovals`, with every member's decision. */
export function useApprovals(name: string, version: string | null) {
  return useQuery({
    queryKey: ['model', name, 'approvals', version],
    enabled: version !== null,
    queryFn: () => call(apiPath('registry', modelPath(name, `/versions/${enc(version!)}/approvals`)), { schema: ApprovalsResponse }),
  });
}

/** The registry's changes a model page offers; each refreshes the page's data when done. */
export function useModelActions(name: string) {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: ['model', name] });
  const post = (path: string, body: unknown, method: 'POST' | 'PUT' = 'POST') =>
    call(apiPath('registry', modelPath(name, path)), { method, body }).finally(done);
  return {
    transition: (version: string, body: TransitionBody) => post(`/versions/${enc(version)}/transitions`, body),
    promote: (version: string, body: PromoteBody) => post(`/versions/${enc(version)}/promote`, body),
    rollback: (body: RollbackBody) => post('/rollback', body),
    setAlias: (alias: string, body: SetAliasBody) => post(`/aliases/${enc(alias)}`, body, 'PUT'),
    decide: (version: string, body: ApprovalBody) => post(`/versions/${enc(version)}/approvals`, body),
  };
}
