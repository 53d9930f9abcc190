import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const PROBLEM = 'application/problem+json';

export function isOipPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return path === '/v2' || path.startsWith('/v2/');
}

/** The protocol's error object for a problem+json body: its detail (every field named), or its title. */
export function toOipError(problem: string): string {
  try {
    const body = JSON.parse(problem) as { detail?: unknown; title?: unknown };
    const title = typeof body.title === 'string' && body.title ? body.title : 'error';
    const text = typeof body.detail === 'string' && body.detail ? body.detail : title;
    return JSON.stringify({ error: text });
  } catch {
    return JSON.stringify({ error: 'error' });
  }
}

/**
 * Errors on the /v2 routes in the protocol's shape, `{"error": "…"}` with the same status. Done
 * when the response is sent, so every error is covered: the handler's, the credential guard's,
 * a body Fastify could not parse, a route that does not exist. Other routes keep problem+json.
 */
@Injectable()
export class OipErrors implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook(
      'onSend',
      (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
        const type = String(reply.getHeader('content-type') ?? '');
        if (!type.startsWith(PROBLEM) || !isOipPath(request.url) || typeof payload !== 'string') return done(null, payload);
        void reply.header('content-type', 'application/json; charset=utf-8');
        done(null, toOipError(payload));
      },
    );
  }
}
