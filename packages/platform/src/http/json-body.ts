import { ErrorCode } from '@modelyard/types';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors/domain-errors.js';

/**
 * Deepest JSON nesting a request body may have. Our deepest schema needs a handful of levels and
 * free-form JSON (version params, configs) has no use for more; past a few thousand levels the
 * recursive parse and validation overflow the stack, which answered 500.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` nests objects and arrays deeper than `max`, counting brackets outside strings.
 * A linear scan with no allocation, run before JSON.parse so a deep body costs no parse at all.
 * Malformed JSON is left for the parser to report.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

export class TooDeeplyNested extends DomainError {
  constructor(max: number) {
    super(400, ErrorCode.malformedBody, 'Malformed body', `the JSON body is nested deeper than ${max} levels`, {
      errors: [{ field: '(body)', in: 'body', message: `nesting depth exceeds ${max}` }],
    });
  }
}

/**
 * Replaces Fastify's JSON parser with one that (1) takes an empty body as no body — many clients
 * send `Content-Type: application/json` with a DELETE or a body-less POST action — and (2) refuses
 * bodies nested deeper than MAX_JSON_DEPTH with a 400 before parsing them. Parsing itself stays
 * Fastify's (secure-json-parse: `__proto__` and `constructor.prototype` keys are refused).
 */
export function installJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return done(new TooDeeplyNested(MAX_JSON_DEPTH), undefined);
    // Fastify's parser answers through `done` (synchronously); nothing is left pending.
    void parse(request, text, done);
  });
}
