import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { OCTET_STREAM } from '../artifacts/octet-stream.parser.js';

const PROXY_ROUTE = '/api/2.0/mlflow-artifacts/artifacts/*';

/**
 * MLflow clients upload artifacts with the file's guessed media type (text/plain, application/json,
 * none at all…). On the artifact proxy's PUT route only, the body is taken as the raw byte stream
 * whatever its type: the content type is set to octet-stream before Fastify picks a parser, so a
 * JSON file is stored byte for byte, never parsed.
 */
@Injectable()
export class MlflowUploadBody implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit() {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request, _reply, payload) => {
      if (request.method === 'PUT' && request.routeOptions.url?.endsWith(PROXY_ROUTE)) request.headers['content-type'] = OCTET_STREAM;
      return payload;
    });
  }
}
