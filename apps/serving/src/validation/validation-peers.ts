import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { DriftClient, HttpClient, RegistryClient } from '@modelyard/sdk';
import type { ValidationReport, ValidationReportBody, VersionResponse } from '@modelyard/types';
import type { MonitorFeatures } from './checks.js';

/** The drift lookup is advisory (its check is skipped when drift is down): one short attempt. */
const DRIFT_OPTIONS = { timeoutMs: 3_000, retry: { maxAttempts: 1 } };
const REGISTRY_OPTIONS = { timeoutMs: 10_000, retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 } };
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * What validation asks other services, through the SDK with serving's credential: the monitors
 * watching a version (drift) and the version's newest report, and recording a new one (registry;
 * the registry requires the admin scope for that, which serving's service credential carries).
 */
@Injectable()
export class ValidationPeers {
  private readonly drift: DriftClient;
  private readonly registry: RegistryClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ServiceCredential) credential: ServiceCredential) {
    this.drift = new DriftClient(new HttpClient({ ...credential.clientOptions(), baseUrl: config.urls.drift, ...DRIFT_OPTIONS }));
    this.registry = new RegistryClient(
      new HttpClient({ ...credential.clientOptions(), baseUrl: config.urls.registry, ...REGISTRY_OPTIONS }),
    );
  }

  /** Monitors bound to the version or to the whole model; a string says why they could not be listed. */
  async monitors(model: string, version: string): Promise<MonitorFeatures[] | string> {
    try {
      const found: MonitorFeatures[] = [];
      for await (const m of this.drift.monitors.all({ model, limit: 100 })) {
        if (m.version === null || m.version === version) found.push({ name: m.name, features: m.features });
      }
      return found;
    } catch (err) {
      return `the drift service did not list the model's monitors: ${message(err)}`;
    }
  }

  /** The version as the registry has it now (metrics, config, newest report); null when it cannot say. */
  async version(model: string, version: string): Promise<VersionResponse | null> {
    try {
      return await this.registry.versions.get(model, version);
    } catch {
      return null;
    }
  }

  record(model: string, version: string, report: ValidationReportBody): Promise<ValidationReport> {
    return this.registry.versions.recordValidation(model, version, report);
  }
}
