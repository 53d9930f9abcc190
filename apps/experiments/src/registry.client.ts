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

  /**
   * Promotes a version to production, giving the experiment as the reason. Returns null on
   * success, else the registry's explanation (e.g. the version is not in staging).
   */
  async promote(model: string, version: string, reason: string): Promise<string | null> {
    const url = `${this.config.urls.registry}/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/promote`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: this.credential.authorization(), 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((err: unknown) => err as Error);
    if (res instanceof Error) return `the registry did not answer: ${res.message}`;
    if (res.ok) return null;
    const problem = (await res.json().catch(() => ({}))) as { detail?: string };
    return `the registry answered ${res.status}: ${problem.detail ?? res.statusText}`;
  }

  /** The version, or null when the model or version does not exist. */
  async version(model: string, version: string): Promise<VersionResponse | null> {
    const url = `${this.config.urls.registry}/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: this.credential.authorization() }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      this.logger.warn(`registry unreachable: ${String(err)}`);
      throw new DomainError(503, ErrorCode.upstreamUnavailable, 'Registry unavailable', 'the model registry did not answer; retry shortly', {}, { 'retry-after': '5' });
    }
    if (res.status === 404) return null;
    if (!res.ok) {
      this.logger.warn(`registry answered ${res.status} for ${url}`);
      throw new DomainError(503, ErrorCode.upstreamUnavailable, 'Registry unavailable', `the model registry answered ${res.status}`);
    }
    return (await res.json()) as VersionResponse;
  }
}
