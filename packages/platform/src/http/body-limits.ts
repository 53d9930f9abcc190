import type { FastifyInstance } from 'fastify';
import { RouteFlag, flagRoute, routeHas } from './route-config.js';

/**
 * Marks a route that takes large JSON batches (drift records and references, learning samples,
 * experiment exposures and events): its body limit is INGEST_BODY_LIMIT_BYTES rather than the
 * service-wide BODY_LIMIT_BYTES, so only these routes make a service read and parse megabytes.
 */
export const IngestionBody = (): MethodDecorator => (_target, _key, descriptor) => {
  flagRoute(descriptor.value as object, RouteFlag.ingestion);
  return descriptor;
};

/**
 * Gives ingestion routes their larger body limit as Fastify registers them (every other route
 * keeps the server's bodyLimit). Must be installed before the routes are, i.e. before app.init().
 */
export function limitBodiesByRoute(fastify: FastifyInstance, limits: { ingestBodyLimit: number }): void {
  fastify.addHook('onRoute', (route) => {
    if (routeHas(route.config, RouteFlag.ingestion)) route.bodyLimit = limits.ingestBodyLimit;
  });
}
