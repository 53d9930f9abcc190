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
