import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { ErrorCode, type VersionResponse } from '@modelyard/types';

const TIMEOUT_MS = 5_000;

/**
 * The registry, through its REST API (never its tables), with this service's credential.
 */
@Injectable()
export class RegistryClient {
  private readonly logger = new Logger(RegistryClient.name);

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ServiceCredential) private readonly credential: ServiceCredential,
  ) {}

  /** One registry call with this service's credential; a network failure comes back as an Error. */
  private call(method: 'GET' | 'POST', path: string, body?: object): Promise<Response | Error> {
    return fetch(`${this.config.urls.registry}${path}`, {
      method,
      headers: { authorization: this.credential.authorization(), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  }

  private static versionPath(model: string, version: string) {
    return `/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`;
  }

  /**
   * Promotes a version to production, giving the experiment as the reason. Returns null on
   * success, else the registry's explanation (e.g. the version is not in staging).
   */
  async promote(model: string, version: string, reason: string): Promise<string | null> {
    const res = await this.call('POST', `${RegistryClient.versionPath(model, version)}/promote`, { reason });
    if (res instanceof Error) return `the registry did not answer: ${res.message}`;
    if (res.ok) return null;
    const problem = (await res.json().catch(() => ({}))) as { detail?: string };
    return `the registry answered ${res.status}: ${problem.detail ?? res.statusText}`;
  }

  /** The version, or null when the model or version does not exist. */
  async version(model: string, version: string): Promise<VersionResponse | null> {
    const res = await this.call('GET', RegistryClient.versionPath(model, version));
    if (res instanceof Error || (!res.ok && res.status !== 404)) {
      this.logger.warn(`registry check of ${model}@${version} failed: ${res instanceof Error ? res.message : res.status}`);
      throw new DomainError(503, ErrorCode.upstreamUnavailable, 'Registry unavailable', 'the model registry did not answer; retry shortly', {}, { 'retry-after': '5' });
    }
    return res.status === 404 ? null : ((await res.json()) as VersionResponse);
  }
}
