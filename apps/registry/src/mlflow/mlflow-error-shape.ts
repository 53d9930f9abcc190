import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { mlflowError } from './mlflow-error.filter.js';

const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'];
const isMlflowPath = (url: string) => MLFLOW_PREFIXES.some((p) => url.startsWith(p));

/** MLflow's error body: what its clients parse from any non-200 answer. */
const MLFLOW_ERROR_SCHEMA = {
  type: 'object',
  required: ['error_code', 'message'],
  properties: {
    error_code: {
      type: 'string',
      examples: ['RESOURCE_DOES_NOT_EXIST', 'INVALID_PARAMETER_VALUE', 'RESOURCE_ALREADY_EXISTS', 'UNAUTHENTICATED', 'PERMISSION_DENIED'],
    },
    message: { type: 'string' },
  },
};
const mlflowContent = { 'application/json': { schema: { $ref: '#/components/schemas/MlflowError' } } };
const MLFLOW_RESPONSES: [string, string][] = [
  ['400', 'INVALID_PARAMETER_VALUE or RESOURCE_ALREADY_EXISTS'],
  ['401', 'UNAUTHENTICATED: missing or invalid credential'],
  ['403', 'PERMISSION_DENIED: role too weak'],
  ['404', 'RESOURCE_DOES_NOT_EXIST or ENDPOINT_NOT_FOUND'],
  ['429', 'REQUEST_LIMIT_EXCEEDED'],
];

function parseProblem(payload: string): { code?: string; detail?: string; title?: string } {
  try {
    return JSON.parse(payload) as { code?: string; detail?: string; title?: string };
  } catch {
    return {};
  }
}

type Doc = {
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components?: { schemas?: Record<string, unknown> };
};

/** The generated document describes MLflow routes' errors as they are sent: MLflow's body, not problem+json. */
export function describeMlflowErrors(doc: Doc): Doc {
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    if (!isMlflowPath(path)) continue;
    for (const operation of Object.values(operations)) {
      const responses = operation.responses ?? {};
      for (const [status, description] of MLFLOW_RESPONSES) responses[status] = { description, content: mlflowContent };
      operation.responses = responses;
    }
  }
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, MlflowError: MLFLOW_ERROR_SCHEMA } };
  return doc;
}

/**
 * Errors answered before a route's handler runs (a missing credential refused before the body is
 * read, a rate limit, a body too large) are problem+json from the platform. On MLflow's routes they
 * are rewritten to MLflow's `{error_code, message}` with the same status, so an MLflow client reads
 * e.g. UNAUTHENTICATED as its own server's auth would answer. The OpenAPI document says so too.
 */
@Injectable()
export class MlflowErrorShape implements OnModuleInit {
  private document: { source: string; rewritten: string } | null = null;

  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit() {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (request.url === '/openapi.json' && reply.statusCode === 200 && typeof payload === 'string') return this.openapi(payload);
      const type = String(reply.getHeader('content-type') ?? '');
      if (!isMlflowPath(request.url) || !type.startsWith('application/problem+json') || typeof payload !== 'string') return payload;
      const problem = parseProblem(payload);
      const { status, errorCode } = mlflowError(reply.statusCode, problem.code ?? '');
      reply.status(status).header('content-type', 'application/json');
      return JSON.stringify({ error_code: errorCode, message: problem.detail ?? problem.title ?? errorCode });
    });
  }

  private openapi(payload: string): string {
    if (this.document?.source !== payload) {
      this.document = { source: payload, rewritten: JSON.stringify(describeMlflowErrors(JSON.parse(payload) as Doc)) };
    }
    return this.document.rewritten;
  }
}
