import type { Readable } from 'node:stream';
import { NotFound, UpstreamUnavailable } from '@modelyard/platform';
import { request as undiciRequest } from 'undici';
import type { ConsoleSettings, ServiceName } from '../config.js';

/** Request headers a service may need from the browser; everything else (cookies first) stays here. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'range'];
/** Response headers the browser may see. */
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-disposition',
  'etag',
  'retry-after',
  'x-content-sha256',
  'accept-ranges',
  'content-range',
  'cache-control',
];

export interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

export interface ForwardInput {
  service: string;
  /** The path and query after `/api/<service>`, starting with `/`. */
  rest: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  credential: string;
  requestId: string;
  /** Aborted when the browser goes away: the service's work is not waited for. */
  signal: AbortSignal;
}

/** The service's base URL, for names the console knows only (a Map: the name is the browser's). */
function upstreamOf(settings: ConsoleSettings, service: string): string {
  const base = settings.upstreams.get(service as ServiceName);
  if (!base) throw new NotFound('Service', service);
  return base;
}

function targetUrl(base: string, rest: string): URL {
  const url = new URL(`${base}${rest.startsWith('/') ? rest : `/${rest}`}`);
  // The origin is fixed by configuration; a path can never point the call elsewhere.
  if (url.origin !== new URL(base).origin) throw new NotFound('Route', rest);
  return url;
}

function pick(headers: Record<string, string | string[] | undefined>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * Forwards one call to a known service with the session's credential, and hands back its status,
 * the allowed headers and its body as a stream (problem+json passes through unchanged). A service
 * that does not answer within the timeout, or cannot be reached, is a 503 problem.
 */
export async function forward(settings: ConsoleSettings, input: ForwardInput): Promise<Forwarded> {
  const base = upstreamOf(settings, input.service);
  const url = targetUrl(base, input.rest);
  const headers = {
    ...pick(input.headers, FORWARDED_REQUEST_HEADERS),
    authorization: `Bearer ${input.credential}`,
    'x-request-id': input.requestId,
  };
  const hasBody = input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD';
  try {
    const res = await undiciRequest(url, {
      method: input.method as 'GET',
      headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
      body: hasBody ? JSON.stringify(input.body) : undefined,
      headersTimeout: settings.proxyTimeoutMs,
      bodyTimeout: settings.proxyTimeoutMs,
      signal: input.signal,
    });
    const responseHeaders: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = res.headers[name];
      if (typeof value === 'string') responseHeaders[name] = value;
    }
    return { status: res.statusCode, headers: responseHeaders, body: res.body };
  } catch (err) {
    throw new UpstreamUnavailable(input.service, `${input.service} did not answer: ${(err as Error).message}`);
  }
}
