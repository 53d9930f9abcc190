import { Inject, Injectable, Logger } from '@nestjs/common';
import { NotFound } from '@modelyard/platform';
import type { ValidateVersionResponse, ValidationReport } from '@modelyard/types';
import { LoadFailures } from '../models/load-failures.js';
import { keyOf, type VersionDescriptor } from '../models/loaded-version.js';
import { ModelStore, type Lease } from '../models/model-store.js';
import { Reconciler } from '../models/reconciler.js';
import { ServingTable } from '../models/serving-table.js';
import { VersionLoader } from '../models/version-loader.js';
import { VersionAdmission } from './version-admission.js';

/**
 * POST /v1/models/:name/versions/:version/validate: validates any version with a servable artifact
 * (a staging candidate before a promotion that requires a report, or a served one again), using
 * the loaded session when it serves, else loading it for the occasion. A version that failed to
 * load or validate and now passes (a monitor was fixed, say) is let in at once.
 */
@Injectable()
export class ValidateService {
  private readonly logger = new Logger(ValidateService.name);

  constructor(
    @Inject(VersionLoader) private readonly loader: VersionLoader,
    @Inject(VersionAdmission) private readonly admission: VersionAdmission,
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(ModelStore) private readonly store: ModelStore,
    @Inject(LoadFailures) private readonly failures: LoadFailures,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
  ) {}

  async validate(model: string, version: string): Promise<ValidateVersionResponse> {
    const d = await this.loader.describe(model, version);
    if (!d) throw new NotFound('version with a servable artifact (model.onnx or model.json)', `${model}@${version}`);
    const lease = this.servingLease(d);
    let result;
    try {
      result = await this.admission.validateNow(d, lease?.loaded);
    } finally {
      lease?.release();
    }
    // Loaded for the occasion only: the reconciler loads what should serve.
    if (!lease && result.loaded) await result.loaded.runner.release();
    if (result.report.status === 'passed' && this.failures.isPermanent(d)) this.letIn(d);
    const report: ValidationReport = result.recorded ?? {
      ...result.report,
      artifact: result.report.artifact ?? null,
      runtime: result.report.runtime ?? {},
      validatedBy: 'serving (not recorded)',
      validatedAt: new Date().toISOString(),
    };
    return { model, version, report, recorded: result.recorded !== null };
  }

  /** The session serving the same bytes, if it is in memory. */
  private servingLease(d: VersionDescriptor): Lease | null {
    if (this.table.routed(d.model, d.version)?.sha256 !== d.sha256) return null;
    const lease = this.store.acquire(keyOf(d.model, d.version));
    if (lease && lease.loaded.descriptor.sha256 !== d.sha256) {
      lease.release();
      return null;
    }
    return lease;
  }

  private letIn(d: VersionDescriptor) {
    this.failures.clear(d.model, d.version);
    this.reconciler
      .reconcile(d.model)
      .catch((err: unknown) => this.logger.warn(`reconciling ${d.model} after ${d.version} passed validation: ${String(err)}`));
  }
}
