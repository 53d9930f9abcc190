import { JsonValue, Problem } from '@modelyard/types';
import { z } from 'zod';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from '../auth/principal.js';
import { IDEMPOTENT } from '../idempotency/idempotency.interceptor.js';
import { TEAM_CHECKED_IN_HANDLER, TEAM_RESOURCE, type TeamResourceSpec } from '../teams/team-resource.js';
import { SCHEMA_METADATA, type RouteSchemas } from '../validation/zod-validation.js';
import { API_DOC_METADATA, type ApiDoc } from './api-doc.decorator.js';
import { SchemaComponents, type JsonSchema } from './schema-components.js';

// Metadata keys Nest's @Controller/@Get/... decorators write ('path', 'method'). Nest 12 exposes no
// public import for them, and they have been stable since Nest 5.
const PATH = 'path';
const METHOD = 'method';
const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'search'];

type Convert = (schema: z.ZodType, io: 'input' | 'output') => JsonSchema;

function joinPath(...parts: (string | undefined)[]): string {
  const path = parts
    .flatMap((p) => (p ?? '').split('/'))
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment === '*' ? '{path}' : segment))
    .join('/');
  return `/${path}`;
}

function parameters(schemas: RouteSchemas, path: string, jsonSchema: Convert) {
  const out: Record<string, unknown>[] = [];
  const location = { params: 'path', query: 'query', headers: 'header' } as const;
  for (const where of ['params', 'query', 'headers'] as const) {
    const schema = schemas[where];
    if (!schema) continue;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({
        name,
        in: location[where],
        required: where === 'params' || (js.required ?? []).includes(name),
        schema: prop,
      });
    }
  }
  // Path parameters without a schema are still declared, as OpenAPI requires.
  for (const match of path.matchAll(/\{(\w+)\}/g)) {
    if (!out.some((p) => p.name === match[1] && p.in === 'path')) {
      out.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  return out;
}

export interface ControllerInfo {
  instance: object;
  metatype: new (...args: never[]) => object;
}

/** OpenAPI 3.1 built from the routes' zod schemas, so the document cannot drift from validation. */
export function buildOpenApi(service: string, version: string, controllers: ControllerInfo[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  const components = new SchemaComponents(new Map([[JsonValue, 'JsonValue']]));
  const jsonSchema: Convert = (schema, io) => components.convert(schema, io);
  components.schemas.set('Problem', jsonSchema(Problem, 'output'));

  for (const { metatype } of controllers) {
    const base = Reflect.getMetadata(PATH, metatype) as string | undefined;
    const proto = metatype.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const handler = proto[key];
      if (key === 'constructor' || typeof handler !== 'function') continue;
      const methodIndex = Reflect.getMetadata(METHOD, handler) as number | undefined;
      const routePath = Reflect.getMetadata(PATH, handler) as string | undefined;
      if (methodIndex === undefined || routePath === undefined) continue;

      const path = joinPath(base, routePath);
      const method = METHODS[methodIndex] ?? 'get';
      const doc = (Reflect.getMetadata(API_DOC_METADATA, handler) ?? {}) as Partial<ApiDoc>;
      const schemas = (Reflect.getMetadata(SCHEMA_METADATA, handler) ?? {}) as RouteSchemas;
      const isPublic = Boolean(Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, metatype));
      const scope = (Reflect.getMetadata(REQUIRED_SCOPE, handler) ?? Reflect.getMetadata(REQUIRED_SCOPE, metatype)) as string | undefined;
      const status = String(doc.status ?? (method === 'post' ? 201 : 200));
      const team = (Reflect.getMetadata(TEAM_RESOURCE, handler) ?? Reflect.getMetadata(TEAM_RESOURCE, metatype)) as
        TeamResourceSpec | undefined;
      const teamInHandler = Boolean(
        Reflect.getMetadata(TEAM_CHECKED_IN_HANDLER, handler) ?? Reflect.getMetadata(TEAM_CHECKED_IN_HANDLER, metatype),
      );

      paths[path] ??= {};
      paths[path][method] = {
        summary: doc.summary ?? key,
        operationId: `${metatype.name.replace(/Controller$/, '')}_${key}`,
        tags: doc.tags ?? [base?.split('/')[1] ?? service],
        ...(scope || !isPublic ? { 'x-required-scope': scope ?? (method === 'get' || method === 'head' ? 'read' : 'write') } : {}),
        // Which team's role the route checks: the resource's (kind and where its id is), or the handler's own check.
        ...(team ? { 'x-team-resource': { kind: team.kind, in: team.from, field: team.field } } : {}),
        ...(teamInHandler ? { 'x-team-resource': { kind: 'handler' } } : {}),
        security: isPublic ? [] : [{ bearer: [] }, { apiKey: [] }],
        parameters: [
          ...parameters(schemas, path, jsonSchema),
          ...(Reflect.getMetadata(IDEMPOTENT, handler)
            ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }]
            : []),
        ],
        ...(schemas.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(schemas.body, 'input') } } } }
          : doc.requestContentType
            ? { requestBody: { required: true, content: { [doc.requestContentType]: { schema: {} } } } }
            : {}),
        responses: {
          [status]: doc.response
            ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(doc.response, 'output') } } }
            : { description: 'Success' },
          ...(isPublic
            ? {}
            : {
                '400': { description: 'Invalid request', content: problem },
                '401': { description: 'Missing or invalid credential', content: problem },
                '403': { description: 'Role too weak', content: problem },
                '429': { description: 'Rate limited', content: problem },
              }),
          ...Object.fromEntries(
            (doc.errors ?? []).map((e) => [
              String(e.status),
              { description: e.description, content: { 'application/problem+json': { schema: jsonSchema(e.schema, 'output') } } },
            ]),
          ),
        },
      };
    }
  }

  return {
    openapi: '3.1.0',
    info: { title: `Modelyard ${service}`, version },
    paths,
    components: {
      schemas: components.toObject(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A JWT, or an API key (myk_…)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
