import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError, MAX_JSON_DEPTH, TooDeeplyNested, nestsDeeperThan } from '@modelyard/platform';
import { ErrorCode, type OipInferResponse } from '@modelyard/types';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, preParsingHookHandler } from 'fastify';
import { INFERENCE_HEADER_LENGTH } from './binary-tensors.js';
import type { InferResult } from './oip.service.js';

const OCTET_STREAM = 'application/octet-stream';
/** The infer routes, the only ones that take binary tensor data. */
const INFER_ROUTES = new Set(['/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']);

/** The binary part of each request that had one: the bytes after the JSON header. */
const binaryParts = new WeakMap<FastifyRequest, Buffer>();

/** The bytes after the JSON header of an infer request (empty without the binary extension). */
export function binaryPartOf(request: FastifyRequest): Buffer {
  return binaryParts.get(request) ?? Buffer.alloc(0);
}

class MalformedBinaryBody extends DomainError {
  constructor(detail: string) {
    super(400, ErrorCode.malformedBody, 'Malformed body', detail, {
      errors: [{ field: INFERENCE_HEADER_LENGTH, in: 'headers', message: detail }],
    });
  }
}

class NotBinaryRoute extends DomainError {
  constructor() {
    super(415, ErrorCode.unsupportedMediaType, 'Unsupported media type', `${OCTET_STREAM} bodies are taken by the /v2 infer routes only`);
  }
}

/** The JSON header's length: a decimal integer within the body. */
function headerLength(value: unknown, bodyLength: number): number {
  const text = Array.isArray(value) ? undefined : value;
  if (typeof text !== 'string' || !/^\d{1,12}$/.test(text.trim())) {
    throw new MalformedBinaryBody(`Inference-Header-Content-Length must be one decimal number of bytes, not '${String(value)}'`);
  }
  const length = Number(text.trim());
  if (length > bodyLength) {
    throw new MalformedBinaryBody(`Inference-Header-Content-Length is ${length} bytes, more than the body's ${bodyLength}`);
  }
  return length;
}

/**
 * Takes the request bodies of the binary tensor data extension on the /v2 infer routes: a JSON
 * header of `Inference-Header-Content-Length` bytes, then the inputs' raw bytes. The header is
 * parsed like any JSON body (Fastify's secure parser, the nesting limit) and becomes the body the
 * route validates; the bytes after it are kept for the route (binaryPartOf). The route's body
 * limit (INGEST_BODY_LIMIT_BYTES) bounds the whole body, and authentication has run before a byte
 * of it is read.
 *
 * Clients send such bodies as application/octet-stream, some as application/json or with no type:
 * on an infer route the header decides, so a request carrying it is parsed here whatever its type.
 * An octet-stream body without the header is all JSON, as the protocol has it.
 */
@Injectable()
export class OipBinaryBody {
  private readonly fastify: FastifyInstance;

  constructor(@Inject(HttpAdapterHost) adapterHost: HttpAdapterHost) {
    this.fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Providers are built before app.init() registers the routes: the hook sees the infer routes added.
    this.fastify.addHook('onRoute', (route: RouteOptions) => {
      if (route.method !== 'POST' || !INFER_ROUTES.has(route.url)) return;
      const before = route.preParsing ? [route.preParsing].flat() : [];
      route.preParsing = [...before, asBinaryWhenAnnounced];
    });
    const parseJson = this.fastify.getDefaultJsonParser('error', 'error');
    this.fastify.addContentTypeParser(OCTET_STREAM, { parseAs: 'buffer' }, (request, body, done) => {
      try {
        if (!INFER_ROUTES.has(request.routeOptions.url ?? '')) throw new NotBinaryRoute();
        const bytes = body as Buffer;
        const announced = request.headers[INFERENCE_HEADER_LENGTH];
        const length = announced === undefined ? bytes.length : headerLength(announced, bytes.length);
        const header = bytes.toString('utf8', 0, length);
        if (nestsDeeperThan(header, MAX_JSON_DEPTH)) throw new TooDeeplyNested(MAX_JSON_DEPTH);
        if (length < bytes.length) binaryParts.set(request, bytes.subarray(length));
        // Fastify's parser answers through `done` (synchronously), with its own 400 for bad JSON.
        void parseJson(request, header, done);
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  }
}

/** A body announced as the extension's (its header present) is parsed as one, whatever its content type. */
const asBinaryWhenAnnounced: preParsingHookHandler = (request, _reply, payload, done) => {
  if (request.headers[INFERENCE_HEADER_LENGTH] !== undefined) request.raw.headers['content-type'] = OCTET_STREAM;
  done(null, payload);
};

/**
 * Sends an infer result: plain JSON without binary outputs; else the extension's form, the JSON
 * header (its length in Inference-Header-Content-Length) followed by the outputs' bytes.
 */
export function inferAnswer(reply: FastifyReply, result: InferResult): OipInferResponse | Buffer {
  if (!result.binary.length) return result.response;
  const header = Buffer.from(JSON.stringify(result.response), 'utf8');
  void reply.header('content-type', OCTET_STREAM).header(INFERENCE_HEADER_LENGTH, String(header.length));
  return Buffer.concat([header, ...result.binary]);
}
