import { ErrorCode, Problem } from '@modelyard/types';

export interface FieldError {
  field: string;
  message: string;
}

/** Codes the SDK itself produces when no problem+json answer exists. */
export const ClientErrorCode = {
  network: 'network_error',
  timeout: 'timeout',
  invalidResponse: 'invalid_response',
  integrity: 'integrity_mismatch',
  http: 'http_error',
} as const;

export interface ModelyardErrorInit {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  requestId?: string;
  type?: string;
  /** How long the server asked to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Every failure the SDK reports: an RFC 9457 problem from a service (status, stable `code`,
 * field errors, request id), or a client-side failure (status 0: network, timeout; or a response
 * that broke the contract). Branch on `code` (stable) or on the subclasses.
 */
export class ModelyardError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors: FieldError[];
  readonly requestId?: string;
  readonly type?: string;
  readonly retryAfterMs?: number;

  constructor(init: ModelyardErrorInit) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
    this.type = init.type;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** One line for people: code, status and what went wrong, with the fields named. */
  describe(): string {
    const fields = this.errors.length ? ` (${this.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
    const status = this.status ? ` ${this.status}` : '';
    return `${this.code}${status}: ${this.detail ?? this.title}${fields}`;
  }
}

export class NotFoundError extends ModelyardError {}
/** 409: already exists, invalid transition, a concurrent change, or a request still in progress. */
export class ConflictError extends ModelyardError {}
/** 400/422: the request named fields that are wrong (see `errors`). */
export class ValidationError extends ModelyardError {}
export class UnauthenticatedError extends ModelyardError {}
export class ForbiddenError extends ModelyardError {}
/** 429 after the retries ran out (or Retry-After was longer than the client waits). */
export class RateLimitedError extends ModelyardError {}
/** 503 (maintenance, an upstream down) after the retries ran out. */
export class UnavailableError extends ModelyardError {}
/** The service could not be reached, or the connection broke (status 0). */
export class NetworkError extends ModelyardError {}
export class TimeoutError extends ModelyardError {}
/** The answer did not match the contract in @modelyard/types (only checked when validating). */
export class ResponseValidationError extends ModelyardError {}
/** Bytes sent or received do not hash to what the other side says. */
export class IntegrityError extends ModelyardError {}

function classFor(status: number, code: string): typeof ModelyardError {
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 400 || status === 422 || code === ErrorCode.validation) return ValidationError;
  if (status === 401) return UnauthenticatedError;
  if (status === 403) return ForbiddenError;
  if (status === 429) return RateLimitedError;
  if (status === 503) return UnavailableError;
  return ModelyardError;
}

/** Turns an error response into the matching typed error; bodies that are not problems still give one. */
export function errorFromResponse(
  status: number,
  statusText: string,
  body: unknown,
  headers: Headers,
  retryAfterMs?: number,
): ModelyardError {
  const problem = Problem.safeParse(body);
  const requestId = headers.get('x-request-id') ?? undefined;
  if (problem.success) {
    const p = problem.data;
    const Cls = classFor(status, p.code);
    return new Cls({
      status,
      code: p.code,
      title: p.title,
      detail: p.detail,
      errors: p.errors,
      requestId: p.requestId ?? requestId,
      type: p.type,
      retryAfterMs,
    });
  }
  const detail = typeof body === 'string' && body ? body.slice(0, 500) : undefined;
  return new (classFor(status, ''))({
    status,
    code: ClientErrorCode.http,
    title: statusText || `HTTP ${status}`,
    detail,
    requestId,
    retryAfterMs,
  });
}
