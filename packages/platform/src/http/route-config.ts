import type { FastifyRequest } from 'fastify';

/**
 * Nest copies a handler's `__fastify_route_config__` metadata (what `@RouteConfig()` writes) into
 * the Fastify route's `config`. Hooks that run before Nest's guards (authentication before the
 * body is read, per-route body limits) can only see a route through it. The key is Nest's, not
 * exported by @nestjs/platform-fastify 12; it has been stable since Nest 8.
 */
const FASTIFY_ROUTE_CONFIG = '__fastify_route_config__';

/** Flags our decorators set on a route, read by the Fastify hooks. */
export const RouteFlag = {
  /** Anyone may call it: no credential is asked for (health, metrics, OpenAPI). */
  public: 'modelyardPublic',
  /** It takes large JSON batches: its body limit is INGEST_BODY_LIMIT_BYTES. */
  ingestion: 'modelyardIngestion',
} as const;
export type RouteFlag = (typeof RouteFlag)[keyof typeof RouteFlag];

/** Adds a flag to a handler's Fastify route config, keeping what other decorators put there. */
export function flagRoute(handler: object, flag: RouteFlag): void {
  const existing = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG, handler) ?? {}) as Record<string, unknown>;
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG, { ...existing, [flag]: true }, handler);
}

/** Flags every route handler of a controller class (a class-level decorator's job). */
export function flagRoutesOf(controller: object, flag: RouteFlag): void {
  const proto = (controller as { prototype: Record<string, unknown> }).prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    const handler = proto[key];
    if (key !== 'constructor' && typeof handler === 'function') flagRoute(handler, flag);
  }
}

/** Whether the route a request matched carries `flag`. */
export function routeHas(config: unknown, flag: RouteFlag): boolean {
  if (typeof config !== 'object' || config === null || !Object.hasOwn(config, flag)) return false;
  return (config as Record<string, unknown>)[flag] === true;
}

export const requestRouteHas = (request: FastifyRequest, flag: RouteFlag) => routeHas(request.routeOptions.config, flag);
