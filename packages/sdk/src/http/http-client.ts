import type { z } from 'zod';
import { ClientErrorCode, ModelyardError, NetworkError, ResponseValidationError, TimeoutError, errorFromResponse } from './errors.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep, type RetryOptions } from './retry.js';

/** Returns the whole Authorization header value, e.g. `ServiceCredential.authorization()`. */
export type AuthorizationProvider = () => string | Promise<string>;

export interface HttpClientOptions {
  baseUrl: string;
  /** An API key; sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** A JWT from your identity provider; sent as a bearer token. */
  token?: string;
  /** Called before every attempt (short-lived tokens stay fresh across retries). Wins over apiKey/token. */
  authorization?: AuthorizationProvider;
  /** Per attempt, until the response headers (and for JSON calls the body) arrive. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Check every JSON answer against the contract's zod schema. Default: NODE_ENV !== 'production'. */
  validateResponses?: boolean;
  userAgent?: string;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body. */
  body?: unknown;
  /** A raw body, built anew for every attempt (a stream cannot be replayed). */
  rawBody?: () => RequestInit['body'] | Promise<RequestInit['body']>;
  headers?: Record<string, string>;
  /** Makes a POST safe to retry: the service runs it once per key. */
  idempotencyKey?: string;
  /** The request changes nothing, or repeating it is harmless: retried like a GET. */
  retrySafe?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Non-2xx statuses that are answers, not errors (e.g. 304). */
  accept?: readonly number[];
  /** Keep the timeout only until the headers: the caller streams the body for as long as it takes. */
  stream?: boolean;
}

const REPLAYABLE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * The one place that speaks HTTP to Modelyard services: credentials, per-attempt timeouts, bounded
 * retries with jittered back-off that honour Retry-After, problem+json mapped to typed errors, and
 * (in development) responses checked against the contract. Every service client is built on it.
 */
export class HttpClient {
  readonly baseUrl: string;
  readonly validateResponses: boolean;
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.validateResponses = options.validateResponses ?? true;
  }

  /** A JSON call: the parsed body (checked against `schema` when validating), or undefined for 204/304. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
    const res = await this.send(method, path, options);
    const text = await res.text();
    if (!text) return undefined as z.infer<S>;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new ResponseValidationError({
        status: res.status,
        code: ClientErrorCode.invalidResponse,
        title: 'Response is not JSON',
        detail: `${method} ${path}: ${text.slice(0, 200)}`,
        requestId: res.headers.get('x-request-id') ?? undefined,
      });
    }
    if (this.validateResponses) {
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }));
        throw new ResponseValidationError({
          status: res.status,
          code: ClientErrorCode.invalidResponse,
          title: 'Response does not match the contract',
          detail: `${method} ${path}`,
          errors: issues,
          requestId: res.headers.get('x-request-id') ?? undefined,
        });
      }
    }
    // The body as sent (not zod's stripped copy), so validation never changes what callers see.
    return data as z.infer<S>;
  }

  /** Sends with retries; returns the first successful (or accepted) response, else throws the typed error. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const replayable = REPLAYABLE_METHODS.has(method) || options.idempotencyKey !== undefined || options.retrySafe === true;
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.retry.maxAttempts;
      let outcome: Response | ModelyardError;
      try {
        outcome = await this.attempt(method, path, options);
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (!(err instanceof ModelyardError)) throw err;
        if (last || !replayable) throw err;
        await sleep(backoffDelay(attempt, this.retry), options.signal);
        continue;
      }
      if (outcome instanceof Response) return outcome;
      const error = outcome;
      // 429 is refused before the handler runs, so even a plain POST is safe to send again. A 409
      // with Retry-After on a keyed request means "the first one is still running".
      const retryable =
        error.status === 429 ||
        (replayable && error.status === 503) ||
        (error.status === 409 && options.idempotencyKey !== undefined && error.retryAfterMs !== undefined);
      if (last || !retryable) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > this.retry.maxDelayMs) throw error;
      await sleep(error.retryAfterMs ?? backoffDelay(attempt, this.retry), options.signal);
    }
  }

  /** One attempt: a Response on success, a ModelyardError for an error answer; throws on transport failure. */
  private async attempt(method: string, path: string, options: RequestOptions): Promise<Response | ModelyardError> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json;q=0.9, */*;q=0.5', ...options.headers };
    const authorization = await this.authorization();
    if (authorization) headers.authorization = authorization;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let body: RequestInit['body'] | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    } else if (options.rawBody) {
      body = await options.rawBody();
    }

    const timeout = new AbortController();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timer = setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    const url = this.url(path, options.query);
    const streamed = body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array);
    try {
      const res = await fetch(url, {
        method,
        headers,
        body,
        signal,
        // Streamed request bodies need half duplex in Node's fetch.
        ...(streamed ? { duplex: 'half' } : {}),
      } as RequestInit);
      if (res.ok || options.accept?.includes(res.status)) {
        if (options.stream || method === 'HEAD') clearTimeout(timer);
        else return await bufferedResponse(res).finally(() => clearTimeout(timer));
        return res;
      }
      const text = await res.text();
      clearTimeout(timer);
      let parsed: unknown = text;
      if (text && (res.headers.get('content-type') ?? '').includes('json')) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return errorFromResponse(res.status, res.statusText, parsed, res.headers, parseRetryAfter(res.headers.get('retry-after')));
    } catch (err) {
      clearTimeout(timer);
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.signal.aborted) {
        throw new TimeoutError({
          status: 0,
          code: ClientErrorCode.timeout,
          title: 'Request timed out',
          detail: `${method} ${path} took longer than ${timeoutMs} ms`,
          cause: err,
        });
      }
      // By name, not instanceof: fetch's TypeError may come from another realm (vm contexts, Jest).
      if ((err as Error)?.name === 'TypeError') {
        const cause = (err as { cause?: { message?: string; code?: string } }).cause;
        throw new NetworkError({
          status: 0,
          code: ClientErrorCode.network,
          title: 'Service unreachable',
          detail: `${method} ${this.baseUrl}${path}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
          cause: err,
        });
      }
      throw err;
    }
  }

  private async authorization(): Promise<string | undefined> {
    if (this.options.authorization) return this.options.authorization();
    const secret = this.options.apiKey ?? this.options.token;
    return secret ? `Bearer ${secret}` : undefined;
  }

  url(path: string, query?: Query): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    return url.toString();
  }
}

/** Reads the body while the timeout still runs, so a stalled body counts as a timeout too. */
async function bufferedResponse(res: Response): Promise<Response> {
  const buffer = await res.arrayBuffer();
  return new Response(res.status === 204 || res.status === 304 ? null : buffer, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}
