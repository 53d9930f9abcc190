import {
  AliasDetailResponse,
  AliasResponse,
  type ApprovalBody,
  ApprovalsResponse,
  AuditPage,
  CompareResponse,
  ModelPage,
  ModelResponse,
  PromotionResponse,
  RetentionResponse,
  RollbackResponse,
  ShouldPromoteResponse,
  ValidationReport,
  type ValidationReportBody,
  VersionPage,
  VersionResponse,
  type AuditQuery,
  CreateModelBody,
  CreateVersionBody,
  type ListModelsQuery,
  type ListVersionsQuery,
  PromoteBody,
  RetentionBody,
  type RollbackBody,
  type SetAliasBody,
  type Stage,
  type UpdateModelBody,
} from '@modelyard/types';
import { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { paginate } from '../http/pagination.js';
import { keyFor, type IdempotencyOption } from '../http/idempotency.js';
import { path } from '../http/path.js';
import { ApiKeysClient, WebhooksClient } from './admin.client.js';
import { ArtifactsClient } from './artifacts.client.js';

type PageOptions<Q> = Partial<Omit<Q, 'limit' | 'cursor'>> & { limit?: number; cursor?: string };
const Empty = z.unknown();

export type CreateOptions = IdempotencyOption;

export class ModelsClient {
  constructor(private readonly http: HttpClient) {}

  create(body: z.input<typeof CreateModelBody>, options: CreateOptions = {}) {
    return this.http.json('POST', '/v1/models', ModelResponse, { body, idempotencyKey: keyFor(options) });
  }
  list(query: PageOptions<ListModelsQuery> = {}) {
    return this.http.json('GET', '/v1/models', ModelPage, { query });
  }
  /** Every model, following the cursor. */
  all(query: Omit<PageOptions<ListModelsQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.list({ ...query, cursor }));
  }
  get(name: string) {
    return this.http.json('GET', path`/v1/models/${name}`, ModelResponse);
  }
  update(name: string, body: UpdateModelBody) {
    return this.http.json('PATCH', path`/v1/models/${name}`, ModelResponse, { body });
  }
  async delete(name: string): Promise<void> {
    await this.http.json('DELETE', path`/v1/models/${name}`, Empty);
  }
}

export class VersionsClient {
  constructor(private readonly http: HttpClient) {}

  /** A new draft; the version number is bumped (patch by default) when omitted. */
  create(model: string, body: z.input<typeof CreateVersionBody> = {}, options: CreateOptions = {}) {
    return this.http.json('POST', path`/v1/models/${model}/versions`, VersionResponse, { body, idempotencyKey: keyFor(options) });
  }
  list(model: string, query: PageOptions<ListVersionsQuery> = {}) {
    return this.http.json('GET', path`/v1/models/${model}/versions`, VersionPage, { query });
  }
  all(model: string, query: Omit<PageOptions<ListVersionsQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.list(model, { ...query, cursor }));
  }
  get(model: string, version: string) {
    return this.http.json('GET', path`/v1/models/${model}/versions/${version}`, VersionResponse);
  }
  production(model: string) {
    return this.http.json('GET', path`/v1/models/${model}/production`, VersionResponse);
  }
  /** The newest validation report (NotFoundError when the version has none). */
  validation(model: string, version: string) {
    return this.http.json('GET', path`/v1/models/${model}/versions/${version}/validation`, ValidationReport);
  }
  /** Records a validation report (admin scope: serving's credential); replacing it is harmless, so it is retried. */
  recordValidation(model: string, version: string, body: ValidationReportBody) {
    return this.http.json('PUT', path`/v1/models/${model}/versions/${version}/validation`, ValidationReport, { body, retrySafe: true });
  }
  /** Metrics side by side, with differences to the first version given. */
  compare(model: string, versions: string[]) {
    return this.http.json('GET', path`/v1/models/${model}/compare`, CompareResponse, { query: { versions: versions.join(',') } });
  }
}

export class LifecycleClient {
  constructor(private readonly http: HttpClient) {}

  transition(model: string, version: string, to: Stage, reason?: string) {
    return this.http.json('POST', path`/v1/models/${model}/versions/${version}/transitions`, VersionResponse, { body: { to, reason } });
  }
  /** To production, archiving the current one; with a policy, only if the metric beats production's. */
  promote(model: string, version: string, body: z.input<typeof PromoteBody> = {}) {
    return this.http.json('POST', path`/v1/models/${model}/versions/${version}/promote`, PromotionResponse, { body });
  }
  shouldPromote(model: string, version: string, query: { metric: string; direction?: 'higher' | 'lower'; minImprovement?: number }) {
    return this.http.json('GET', path`/v1/models/${model}/versions/${version}/should-promote`, ShouldPromoteResponse, { query });
  }
  /** The previous production version (or `to`) back into production. */
  rollback(model: string, body: RollbackBody = {}) {
    return this.http.json('POST', path`/v1/models/${model}/rollback`, RollbackResponse, { body });
  }
  /**
   * The caller's decision on a version for production (never by its creator: 403); a later
   * decision by the same member replaces the earlier one.
   */
  decide(model: string, version: string, body: ApprovalBody) {
    return this.http.json('POST', path`/v1/models/${model}/versions/${version}/approvals`, ApprovalsResponse, { body });
  }
  /** Where the version stands against its model's `requiredApprovals`, with every decision. */
  approvals(model: string, version: string) {
    return this.http.json('GET', path`/v1/models/${model}/versions/${version}/approvals`, ApprovalsResponse);
  }
  retention(model: string, body: z.input<typeof RetentionBody>) {
    return this.http.json('POST', path`/v1/models/${model}/retention`, RetentionResponse, { body });
  }
}

export class AliasesClient {
  constructor(private readonly http: HttpClient) {}

  list(model: string) {
    return this.http.json('GET', path`/v1/models/${model}/aliases`, z.object({ items: z.array(AliasResponse) }));
  }
  get(model: string, alias: string) {
    return this.http.json('GET', path`/v1/models/${model}/aliases/${alias}`, AliasDetailResponse);
  }
  /** Points the alias at a version; `expectedVersion` makes it a compare-and-set (409 if it moved). */
  set(model: string, alias: string, body: SetAliasBody) {
    return this.http.json('PUT', path`/v1/models/${model}/aliases/${alias}`, AliasResponse, { body });
  }
  async delete(model: string, alias: string, expectedVersion?: string): Promise<void> {
    await this.http.json('DELETE', path`/v1/models/${model}/aliases/${alias}`, Empty, { query: { expectedVersion } });
  }
}

/** The model registry: models, versions, lifecycle, aliases, audit, artifacts, API keys, webhooks. */
export class RegistryClient {
  readonly models: ModelsClient;
  readonly versions: VersionsClient;
  readonly lifecycle: LifecycleClient;
  readonly aliases: AliasesClient;
  readonly artifacts: ArtifactsClient;
  readonly keys: ApiKeysClient;
  readonly webhooks: WebhooksClient;

  constructor(readonly http: HttpClient) {
    this.models = new ModelsClient(http);
    this.versions = new VersionsClient(http);
    this.lifecycle = new LifecycleClient(http);
    this.aliases = new AliasesClient(http);
    this.artifacts = new ArtifactsClient(http);
    this.keys = new ApiKeysClient(http);
    this.webhooks = new WebhooksClient(http);
  }

  /** Audit log, newest first. */
  audit(query: PageOptions<AuditQuery> = {}) {
    return this.http.json('GET', '/v1/audit', AuditPage, { query });
  }
  auditAll(query: Omit<PageOptions<AuditQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.audit({ ...query, cursor }));
  }
}
