import { CSRF_HEADER } from '@modelyard/types';
import type { z } from 'zod';

/** A problem+json answer (RFC 9457) or a network failure, as pages show it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/**
 * The session's CSRF token, in memory only (never in storage): GET /session hands it out again
 * after a reload. The credential itself is never in the browser at all.
 */
let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** Called on any 401: the session ended (expired, signed out elsewhere, credential revoked). */
let onUnauthenticated: () => void = () => undefined;
export const whenUnauthenticated = (handler: () => void) => {
  onUnauthenticated = handler;
};

interface CallOptions<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** The response's schema from @modelyard/types: an answer that does not match is an error. */
  schema?: S;
}

async function problemOf(res: Response): Promise<ApiError> {
  let detail = `${res.status} ${res.statusText}`;
  let code: string | null = null;
  try {
    const body = (await res.json()) as { detail?: string; title?: string; code?: string };
    detail = body.detail ?? body.title ?? detail;
    code = body.code ?? null;
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(res.status, code, detail);
}

/** One call to the console's server (same origin: the session cookie goes along by itself). */
export async function call<S extends z.ZodType>(path: string, options: CallOptions<S> = {}): Promise<z.infer<S>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError(0, null, `the console could not be reached (${(err as Error).message})`);
  }
  if (res.status === 401 && path !== '/session') onUnauthenticated();
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204) return undefined as z.infer<S>;
  const json: unknown = await res.json();
  if (!options.schema) return json as z.infer<S>;
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'contract', `unexpected answer from ${path}: ${parsed.error.message}`);
  return parsed.data;
}

/** `/api/registry/v1/models?…` from a path and query values (empty values left out). */
export function apiPath(service: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return `/api/${service}${path}${qs ? `?${qs}` : ''}`;
}

export const enc = encodeURIComponent;
