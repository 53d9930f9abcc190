import { Body, createParamDecorator, type ExecutionContext, Param, PipeTransform, Query } from '@nestjs/common';
import type { z } from 'zod';
import { type FieldError, ValidationFailed } from '../errors/domain-errors.js';

export type RequestPart = 'body' | 'query' | 'params' | 'headers';

type Issue = z.core.$ZodIssue;

/**
 * The branch of a failed union that explains the failure best: the one that got deepest into the
 * value, then the one that did not fail on the value's type, then the one with fewest issues. A
 * body `{columns: {plan: ["a", "b\u0000"]}}` then reports `columns.plan.1`, not "Invalid input"
 * at the root. Null when no branch got past the type of the value (the union's own message says it).
 */
function bestBranch(branches: Issue[][]): Issue[] | null {
  const rank = (issues: Issue[]) => ({
    depth: Math.max(0, ...issues.map((i) => i.path.length)),
    typeOnly: issues.every((i) => i.code === 'invalid_type' && i.path.length === 0),
    count: issues.length,
  });
  const ranked = branches.filter((b) => b.length).map((issues) => ({ issues, ...rank(issues) }));
  ranked.sort((a, b) => b.depth - a.depth || Number(a.typeOnly) - Number(b.typeOnly) || a.count - b.count);
  const best = ranked[0];
  return best && !best.typeOnly ? best.issues : null;
}

function issueErrors(issue: Issue, prefix: PropertyKey[], where: RequestPart): FieldError[] {
  const path = [...prefix, ...issue.path].map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: [...path, key].join('.'), in: where, message: 'unknown field' }));
  }
  const branch = issue.code === 'invalid_union' ? bestBranch(issue.errors) : null;
  if (branch) return branch.flatMap((inner) => issueErrors(inner, [...prefix, ...issue.path], where));
  return [{ field: path.join('.') || `(${where})`, in: where, message: issue.message }];
}

/** Turns zod issues into field errors; unknown keys are reported one per key, by name. */
export function fieldErrors(error: z.ZodError, where: RequestPart): FieldError[] {
  return error.issues.flatMap((issue) => issueErrors(issue, [], where));
}

/**
 * A cheap check beside a schema for a hot route: the value when the schema certainly accepts it
 * (and would answer it unchanged), undefined otherwise. It never rejects: what it does not take,
 * the schema decides and explains, so errors are the schema's alone.
 */
export type FastPath<S extends z.ZodType> = (value: unknown) => z.infer<S> | undefined;

/** Validates one part of a request against its schema from @modelyard/types; the one validation point. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    readonly schema: S,
    private readonly where: RequestPart,
    private readonly fastPath?: FastPath<S>,
  ) {}

  transform(value: unknown): z.infer<S> {
    const fast = this.fastPath?.(value);
    if (fast !== undefined) return fast;
    const result = this.schema.safeParse(value ?? (this.where === 'body' ? this.absentBody() : {}));
    if (!result.success) throw new ValidationFailed(fieldErrors(result.error, this.where));
    return result.data;
  }

  /**
   * No body (or an empty one) means "no options" where every field is optional, e.g. a promote or
   * conclude action posted bare; where fields are required it stays missing, and says so.
   */
  private absentBody(): unknown {
    return this.schema.safeParse({}).success ? {} : undefined;
  }
}

export const SCHEMA_METADATA = 'modelyard:schemas';
export type RouteSchemas = Partial<Record<RequestPart, z.ZodType>>;

function remember(target: object, key: string | symbol | undefined, where: RequestPart, schema: z.ZodType) {
  const handler = (target as Record<string | symbol, object>)[key!]!;
  const existing = (Reflect.getMetadata(SCHEMA_METADATA, handler) as RouteSchemas | undefined) ?? {};
  Reflect.defineMetadata(SCHEMA_METADATA, { ...existing, [where]: schema }, handler);
}

/**
 * `@ZBody(Schema)`: validated, typed body; the schema also documents the route in OpenAPI.
 * `fastPath` (see FastPath) spares a hot route zod's walk over large valid bodies.
 */
export function ZBody<S extends z.ZodType>(schema: S, fastPath?: FastPath<S>): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodPipe(schema, 'body', fastPath))(target, key, index);
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
const RequestHeaders = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<{ headers: unknown }>().headers,
);

/** `@ZHeaders(Schema)`: the request headers, validated (a non-strict schema: other headers pass). */
export function ZHeaders(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    RequestHeaders(new ZodPipe(schema, 'headers'))(target, key, index);
    remember(target, key, 'headers', schema);
  };
}
