import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ZodPipe } from '@modelyard/platform';
import type { z } from 'zod';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// MLflow's Python client sends DELETE parameters as a JSON body; other clients put them in the query string.
const BodyAndQuery = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<{ query?: unknown; body?: unknown }>();
  return { ...(isRecord(request.query) ? request.query : {}), ...(isRecord(request.body) ? request.body : {}) };
});

/** `@ZBodyOrQuery(Schema)`: the query string's parameters and the JSON body's fields, validated together. */
export const ZBodyOrQuery =
  (schema: z.ZodType): ParameterDecorator =>
  (target, key, index) =>
    BodyAndQuery(new ZodPipe(schema, 'body'))(target, key, index);
