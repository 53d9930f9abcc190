import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export const OCTET_STREAM = 'application/octet-stream';

/**
 * Lets `application/octet-stream` bodies through as the raw request stream: the handler reads it
 * chunk by chunk, so an upload is never held in memory. Fastify's bodyLimit applies only to bodies
 * it collects itself; the upload path enforces ARTIFACT_MAX_BYTES while streaming.
 */
@Injectable()
export class OctetStreamParser implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit() {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser(OCTET_STREAM)) fastify.removeContentTypeParser(OCTET_STREAM);
    fastify.addContentTypeParser(OCTET_STREAM, (_request, payload, done) => done(null, payload));
  }
}
