import { DomainError } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';

const TIMEOUT_MS = 10_000;

export interface CallOptions {
  body?: object | Buffer;
  headers?: Record<string, string>;
}

/** Another service did not answer, or answered 5xx: worth retrying later. */
export class UpstreamUnavailable extends DomainError {
  constructor(service: string, detail: string) {
    super(503, ErrorCode.upstreamUnavailable, `${service} unavailable`, `${service} unavailable: ${detail}`, {}, { 'retry-after': '5' });
  }
}

/** Answered with a 4xx this service did not expect: the request itself is wrong, retrying will not help. */
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
 * One HTTP call to another Modelyard service with this service's credential. JSON bodies are sent as
 * JSON, Buffers as octet-stream. Network failures and 5xx become UpstreamUnavailable.
 */
export async function serviceCall(service: string, base: string, authorization: string, method: string, path: string, o: CallOptions = {}): Promise<Response> {
  const isBytes = Buffer.isBuffer(o.body);
  const headers: Record<string, string> = { authorization, ...o.headers };
  if (o.body) headers['content-type'] = isBytes ? 'application/octet-stream' : 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(o.body ? { body: isBytes ? new Uint8Array(o.body as Buffer) : JSON.stringify(o.body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new UpstreamUnavailable(service, `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (res.status >= 500) throw new UpstreamUnavailable(service, `${method} ${path} answered ${res.status}`);
  return res;
}

/** The body of an unexpected answer, as an error naming the call and the other service's explanation. */
export async function refused(method: string, path: string, res: Response): Promise<UpstreamRefused> {
  const problem = (await res.json().catch(() => ({}))) as { detail?: string };
  return new UpstreamRefused(res.status, `${method} ${path} answered ${res.status}: ${problem.detail ?? res.statusText}`);
}
