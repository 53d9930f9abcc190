import { Inject, Injectable, Logger } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, UpstreamUnavailable, type PlatformConfig } from '@modelyard/platform';
import { HttpClient, ModelyardError, NotFoundError, RegistryClient as SdkRegistryClient } from '@modelyard/sdk';
import { ErrorCode, type VersionResponse } from '@modelyard/types';

/** Why the registry did not promote; `awaitingApprovals` when only approvals are missing. */
export interface PromotionRefusal {
  message: string;
  awaitingApprovals: boolean;
}

/**
 * A request of this service waits on the registry: two attempts of 2.5 s keep the worst case at
 * about 5 s (refused connections and 503s fail or retry at once).
 */
const TIMEOUT_MS = 2_500;
const ATTEMPTS = 2;

/**
 * The registry, through its REST API (never its tables) via the SDK, with this service's
 * credential (fresh for every attempt, so retries never carry an expired token).
 */
@Injectable()
export class RegistryClient {
  private readonly logger = new Logger(RegistryClient.name);
  private readonly registry: SdkRegistryClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ServiceCredential) credential: ServiceCredential) {
    const http = new HttpClient({
      ...credential.clientOptions(),
      baseUrl: config.urls.registry,
      timeoutMs: TIMEOUT_MS,
      retry: { maxAttempts: ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2_000 },
    });
    this.registry = new SdkRegistryClient(http);
  }

  /**
   * Promotes a version to production, giving the experiment as the reason. Returns null on
   * success, else the registry's explanation (e.g. the version is not in staging).
   */
  async promote(model: string, version: string, reason: string): Promise<PromotionRefusal | null> {
    try {
      await this.registry.lifecycle.promote(model, version, { reason });
      return null;
    } catch (err) {
      if (!(err instanceof ModelyardError)) throw err;
      if (err.status === 0) return { message: `the registry did not answer: ${err.detail ?? err.title}`, awaitingApprovals: false };
      const awaitingApprovals = err.code === ErrorCode.approvalsPending;
      const answered = `the registry answered ${err.status}: ${err.detail ?? err.title}`;
      return { message: awaitingApprovals ? `waiting for approvals: ${answered}` : answered, awaitingApprovals };
    }
  }

  /** The version, or null when the model or version does not exist. */
  async version(model: string, version: string): Promise<VersionResponse | null> {
    try {
      return await this.registry.versions.get(model, version);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      this.logger.warn(`registry check of ${model}@${version} failed: ${err instanceof ModelyardError ? err.describe() : String(err)}`);
      throw new UpstreamUnavailable('Registry', 'the model registry did not answer; retry shortly');
    }
  }
}
