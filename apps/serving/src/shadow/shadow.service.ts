import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DomainError, PrismaService, recordAudit } from '@modelyard/platform';
import { ErrorCode, type ShadowBody, type ShadowReport, type ShadowResponse } from '@modelyard/types';
import { Reconciler } from '../models/reconciler.js';
import { NotServed, ServingTable } from '../models/serving-table.js';
import { VersionLoader } from '../models/version-loader.js';
import { RegistrySource } from '../registry/registry.source.js';
import { ShadowConfigs, type ShadowConfig } from './shadow-configs.js';
import { ShadowReports } from './shadow-reports.js';

/** Numeric predictions within this of each other agree, unless the shadow sets its own tolerance. */
export const DEFAULT_TOLERANCE = 1e-6;

const shadowTarget = (model: string) => `shadow:${model}`;

/** The shadow's version or alias does not exist, or has nothing servable: names the body field. */
class ShadowTargetNotFound extends DomainError {
  constructor(field: 'version' | 'alias', detail: string) {
    super(404, ErrorCode.notFound, 'Shadow target not found', detail, { errors: [{ field, in: 'body', message: detail }] });
  }
}

/**
 * PUT/GET/DELETE /v1/models/:name/shadow and its report. The shadow is stored in Redis (every
 * replica scores with it); setting it waits until this replica has loaded the version, so the
 * answer says whether it loaded. Whichever replica changes a shadow, every replica reloads.
 */
@Injectable()
export class ShadowService implements OnModuleInit {
  private readonly logger = new Logger(ShadowService.name);

  constructor(
    @Inject(ShadowConfigs) private readonly configs: ShadowConfigs,
    @Inject(ShadowReports) private readonly reports: ShadowReports,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(VersionLoader) private readonly loader: VersionLoader,
    @Inject(RegistrySource) private readonly source: RegistrySource,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  onModuleInit(): void {
    this.configs.onChange((model) => {
      if (!this.reconciler.inScope(model)) return;
      this.reconciler
        .reconcile(model)
        .catch((err: unknown) => this.logger.warn(`reloading ${model} after its shadow changed failed: ${String(err)}`));
    });
  }

  /**
   * Shadows live in Redis, their audit (serving_audit_events) in Postgres: the Redis write happens
   * inside the audit's transaction, so a write that failed leaves no entry.
   */
  async set(model: string, body: ShadowBody, actor: string): Promise<ShadowResponse> {
    if (!this.reconciler.inScope(model)) throw new NotServed(`model '${model}' is not served by this service (SERVING_MODELS)`);
    await this.checkTarget(model, body);
    const config: ShadowConfig = {
      id: randomUUID(),
      ...('version' in body ? { version: body.version } : { alias: body.alias }),
      fraction: body.fraction,
      tolerance: body.tolerance ?? DEFAULT_TOLERANCE,
      since: new Date().toISOString(),
    };
    const before = this.configs.get(model) ?? null;
    await this.prisma.$transaction(async (tx) => {
      await this.configs.set(model, config);
      await recordAudit(tx, 'serving', { action: 'shadow.set', actor, target: shadowTarget(model), model, before, after: config });
    });
    await this.reconciler.reconcile(model);
    return this.describe(model, config);
  }

  get(model: string): ShadowResponse {
    return this.describe(model, this.current(model));
  }

  async delete(model: string, actor: string): Promise<void> {
    const before = this.configs.get(model) ?? null;
    const deleted = await this.prisma.$transaction(async (tx) => {
      if (!(await this.configs.delete(model))) return false;
      await recordAudit(tx, 'serving', { action: 'shadow.removed', actor, target: shadowTarget(model), model, before });
      return true;
    });
    if (!deleted) throw this.noShadow(model);
    await this.reconciler.reconcile(model);
  }

  report(model: string): Promise<ShadowReport> {
    const config = this.current(model);
    const version = this.table.get(model)?.shadow?.version ?? config.version ?? null;
    return this.reports.report(model, config, version);
  }

  private async checkTarget(model: string, body: ShadowBody): Promise<void> {
    if ('version' in body) {
      if (await this.loader.describe(model, body.version)) return;
      const why = `version ${body.version} of model '${model}' does not exist or has no model.onnx or model.json`;
      throw new ShadowTargetNotFound('version', why);
    }
    if (!(await this.source.aliases(model)).has(body.alias)) {
      throw new ShadowTargetNotFound('alias', `model '${model}' has no alias '${body.alias}'`);
    }
  }

  private current(model: string): ShadowConfig {
    const config = this.configs.get(model);
    if (!config) throw this.noShadow(model);
    return config;
  }

  private noShadow(model: string): DomainError {
    return new DomainError(404, ErrorCode.notFound, 'No shadow', `model '${model}' has no shadow`);
  }

  private describe(model: string, config: ShadowConfig): ShadowResponse {
    const { version, alias, fraction, tolerance, since } = config;
    return {
      model,
      ...(version ? { version } : {}),
      ...(alias ? { alias } : {}),
      fraction,
      tolerance,
      since,
      loadedVersion: this.table.get(model)?.shadow?.version ?? null,
    };
  }
}
