import { UpstreamUnavailable, type ServiceCredential } from '@modelyard/platform';
import { ClientErrorCode, HttpClient, ModelyardError } from '@modelyard/sdk';

/** Per attempt; an update waits on the registry, a request (pipeline creation) on its model check. */
const TIMEOUT_MS = 10_000;
/** Few and short: BullMQ's own back-off (8 attempts from 1 s) retries a failed update for longer. */
const RETRY = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * The SDK's HTTP client for another Modelyard service, with this service's credential (asked
 * before every attempt, so a retry never carries an expired token). Retries follow the SDK's
 * rules: GET/PUT and keyed or state-setting POSTs on 503, timeouts and network errors; 429 always.
 */
export function serviceHttp(credential: ServiceCredential, baseUrl: string): HttpClient {
  return new HttpClient({ ...credential.clientOptions(), baseUrl, timeoutMs: TIMEOUT_MS, retry: RETRY });
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
    err.status >= 500 ||
    err.status === 429 ||
    err.code === ClientErrorCode.network ||
    err.code === ClientErrorCode.timeout ||
    err.code === ClientErrorCode.integrity;
  if (transient) return new UpstreamUnavailable(service, `${service} unavailable: ${call}: ${err.describe()}`);
  return new UpstreamRefused(err.status, `${call} answered ${err.describe()}`);
}
