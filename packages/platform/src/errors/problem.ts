import { ErrorCode, type Problem } from '@modelyard/types';
import { DomainError } from './domain-errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  411: 'Length required',
  413: 'Payload too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Codes of Fastify's own request errors (body parsing, limits) and the problem code each maps to. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.unsupportedMediaType,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.malformedBody,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.payloadTooLarge,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.malformedBody,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.malformedBody,
  FST_ERR_CTP_INVALID_TYPE: ErrorCode.unsupportedMediaType,
  FST_ERR_CTP_EMPTY_TYPE: ErrorCode.unsupportedMediaType,
  FST_ERR_BAD_URL: ErrorCode.malformedBody,
  FST_ERR_ASYNC_CONSTRAINT: ErrorCode.malformedBody,
};

export interface ProblemResult {
  status: number;
  body: Problem & Record<string, unknown>;
  headers: Record<string, string>;
  /** True when the error was not expected: it is logged with its stack, its details hidden. */
  unexpected: boolean;
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.malformedBody;
    case 401:
      return ErrorCode.unauthenticated;
    case 403:
      return ErrorCode.forbidden;
    case 404:
      return ErrorCode.routeNotFound;
    case 405:
      return ErrorCode.methodNotAllowed;
    case 409:
      return ErrorCode.conflict;
    case 413:
      return ErrorCode.payloadTooLarge;
    case 415:
      return ErrorCode.unsupportedMediaType;
    case 429:
      return ErrorCode.rateLimited;
    case 503:
      return ErrorCode.serviceUnavailable;
    default:
      return status >= 500 ? ErrorCode.internal : ErrorCode.malformedBody;
  }
}

function problem(status: number, code: string, title: string, detail: string | undefined, requestId?: string) {
  return {
    type: `https://modelyard.dev/problems/${code}`,
    title,
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/**
 * Safety net for database outcomes a repository did not translate itself: a unique violation or a
 * lost write race is the client's conflict, not a server fault.
 */
function fromPrisma(err: unknown, requestId?: string): ProblemResult | null {
  const e = err as { name?: string; code?: string };
  if (e?.name !== 'PrismaClientKnownRequestError') return null;
  const map: Record<string, [number, ErrorCode, string]> = {
    P2002: [409, ErrorCode.conflict, 'a resource with the same unique key already exists'],
    P2025: [404, ErrorCode.notFound, 'the resource does not exist (any more)'],
    P2034: [409, ErrorCode.conflict, 'a concurrent change won; retry the request'],
  };
  const hit = e.code ? map[e.code] : undefined;
  if (!hit) return null;
  const [status, code, detail] = hit;
  return { status, body: problem(status, code, TITLES[status]!, detail, requestId), headers: {}, unexpected: false };
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The Postgres SQLSTATE behind an error: raw from pg, or as Prisma's driver adapter wraps it. */
function sqlState(err: unknown): string | undefined {
  const e = err as {
    code?: unknown;
    cause?: { originalCode?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  };
  const candidates = [e?.meta?.driverAdapterError?.cause?.originalCode, e?.cause?.originalCode, e?.code];
  return candidates.find((c): c is string => typeof c === 'string' && SQLSTATE.test(c));
}

/**
 * Last line of defence for values validation let through: Postgres's data exceptions (SQLSTATE
 * class 22: a NUL byte, a number out of range, a malformed value) and Prisma's own codes for the
 * same (P2000 too long, P2020 out of range) are the request's fault, a 400, never a 500.
 */
function fromDataError(err: unknown, requestId?: string): ProblemResult | null {
  const e = err as { name?: string; code?: string };
  const prismaCode = e?.name === 'PrismaClientKnownRequestError' ? e.code : undefined;
  const state = sqlState(err);
  if (!state?.startsWith('22') && prismaCode !== 'P2000' && prismaCode !== 'P2020') return null;
  const detail = `a value in the request cannot be stored or compared (database data error${state ? ` ${state}` : ''})`;
  const body = problem(400, ErrorCode.malformedBody, TITLES[400]!, detail, requestId);
  return { status: 400, body, headers: {}, unexpected: false };
}

interface HttpLikeError {
  getStatus(): number;
  getResponse(): unknown;
  message: string;
}

function isHttpLike(err: unknown): err is HttpLikeError {
  return typeof (err as HttpLikeError)?.getStatus === 'function';
}

/**
 * Maps any thrown value to an RFC 9457 problem. Client errors keep their message; anything else
 * becomes a 500 whose body says nothing about internals (the log has the details).
 */
export function toProblem(err: unknown, requestId?: string): ProblemResult {
  if (err instanceof DomainError) {
    return {
      status: err.status,
      body: { ...problem(err.status, err.code, err.title, err.message, requestId), ...err.extra },
      headers: err.headers,
      unexpected: false,
    };
  }
  if (isHttpLike(err)) {
    const status = err.getStatus();
    // A 503 is thrown on purpose ("not ready yet"): the client may retry, and the message is ours.
    if (status < 500 || status === 503) {
      const response = err.getResponse();
      const message = typeof response === 'object' && response && 'message' in response ? String(response.message) : err.message;
      return {
        status,
        body: problem(status, codeForStatus(status), TITLES[status] ?? 'Error', message, requestId),
        headers: {},
        unexpected: false,
      };
    }
  }
  const prismaProblem = fromPrisma(err, requestId) ?? fromDataError(err, requestId);
  if (prismaProblem) return prismaProblem;
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (fastifyError.code && FASTIFY_CODES[fastifyError.code]) || codeForStatus(status);
    return {
      status,
      body: problem(status, code, TITLES[status] ?? 'Bad request', fastifyError.message, requestId),
      headers: {},
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: problem(500, ErrorCode.internal, TITLES[500]!, 'an unexpected error occurred; quote the requestId when reporting it', requestId),
    headers: {},
    unexpected: true,
  };
}
