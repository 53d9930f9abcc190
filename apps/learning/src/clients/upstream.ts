import { DomainError, type PlatformConfig, type ServiceCredential } from '@modelyard/platform';
import { ClientErrorCode, HttpClient, ModelyardError } from '@modelyard/sdk';
import { ErrorCode } from '@modelyard/types';

/** Per attempt; an update waits on the registry, a request (pipeline creation) on its model check. */
const TIMEOUT_MS = 10_000;
/** Few and short: BullMQ's own back-off (8 attempts from 1 s) retries a failed update for longer. */
const RETRY = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * The SDK's HTTP client for another Modelyard service, with this service's credential (asked
 * before every attempt, so a retry never carries an expired token). Retries follow the SDK's
 * rules: GET/PUT and keyed or state-setting POSTs on 503, timeouts and network errors; 429 always.
 */
export function serviceHttp(config: PlatformConfig, credential: ServiceCredential, baseUrl: string): HttpClient {
  return new HttpClient({
    baseUrl,
    authorization: () => credential.authorization(),
    timeoutMs: TIMEOUT_MS,
    retry: RETRY,
    validateResponses: config.env !== 'production',
    userAgent: `modelyard-${config.service}`,
  });
}

/** Another service did not answer, or answered 5xx: worth retrying later. */
export class UpstreamUnavailable extends DomainError {
  constructor(service: string, detail: string) {
    super(503, ErrorCode.upstreamUnavailable, `${service} unavailable`, `${service} unavailable: ${detail}`, {}, { 'retry-after': '5' });
  }
}

/** Answered with a 4xx this service did not expect (or broke the contract): retrying will not help. */
export class UpstreamRefused extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'UpstreamRefused';
  }
}

/**
 * What an SDK failure means here: transient (network, timeout, 5xx, a rate limit that outlasted the
 * retries, bytes damaged in transit) → UpstreamUnavailable, retried; otherwise → UpstreamRefused,
 * which fails an update job for good.
 */
export function upstreamError(service: string, call: string, err: unknown): Error {
  if (!(err instanceof ModelyardError)) return err instanceof Error ? err : new Error(String(err));
  const transient =
    err.status >= 500 || err.status === 429 || err.code === ClientErrorCode.network || err.code === ClientErrorCode.timeout || err.code === ClientErrorCode.integrity;
  if (transient) return new UpstreamUnavailable(service, `${call}: ${err.describe()}`);
  return new UpstreamRefused(err.status, `${call} answered ${err.describe()}`);
}
