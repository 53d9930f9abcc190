import { Body, createParamDecorator, type ExecutionContext, Param, PipeTransform, Query } from '@nestjs/common';
import type { z } from 'zod';
import { type FieldError, ValidationFailed } from '../errors/domain-errors.js';

export type RequestPart = 'body' | 'query' | 'params' | 'headers';

/** Turns zod issues into field errors; unknown keys are reported one per key, by name. */
export function fieldErrors(error: z.ZodError, where: RequestPart): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), in: where, message: 'unknown field' }));
    }
    return [{ field: path.join('.') || `(${where})`, in: where, message: issue.message }];
  });
}

/** Validates one part of a request against its schema from @modelyard/types; the one validation point. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    readonly schema: S,
    private readonly where: RequestPart,
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? (this.where === 'body' ? undefined : {}));
    if (!result.success) throw new ValidationFailed(fieldErrors(result.error, this.where));
    return result.data;
  }
}

export const SCHEMA_METADATA = 'modelyard:schemas';
export type RouteSchemas = Partial<Record<RequestPart, z.ZodType>>;

function remember(target: object, key: string | symbol | undefined, where: RequestPart, schema: z.ZodType) {
  const handler = (target as Record<string | symbol, object>)[key!]!;
  const existing = (Reflect.getMetadata(SCHEMA_METADATA, handler) as RouteSchemas | undefined) ?? {};
  Reflect.defineMetadata(SCHEMA_METADATA, { ...existing, [where]: schema }, handler);
}

/** `@ZBody(Schema)`: validated, typed body; the schema also documents the route in OpenAPI. */
export function ZBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodPipe(schema, 'body'))(target, key, index);
    remember(target, key, 'body', schema);
  };
}

/** `@ZQuery(Schema)`: the whole query string, validated (unknown parameters rejected). */
export function ZQuery(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodPipe(schema, 'query'))(target, key, index);
    remember(target, key, 'query', schema);
  };
}

/** `@ZParams(Schema)`: all path parameters, validated. */
export function ZParams(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Param(new ZodPipe(schema, 'params'))(target, key, index);
    remember(target, key, 'params', schema);
  };
}

// Nest's own @Headers() takes no pipes; a custom parameter decorator does.
const RequestHeaders = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ headers: unknown }>().headers);

/** `@ZHeaders(Schema)`: the request headers, validated (a non-strict schema: other headers pass). */
export function ZHeaders(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    RequestHeaders(new ZodPipe(schema, 'headers'))(target, key, index);
    remember(target, key, 'headers', schema);
  };
}
