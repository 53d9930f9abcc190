import type { FastifyInstance } from 'fastify';
import { RouteFlag, requestRouteHas } from '../http/route-config.js';
import type { Authenticator } from './authenticator.js';
import type { AuthedRequest } from './principal.js';

/**
 * Authenticates every request to a non-public route in `onRequest`, before its body is read: an
 * anonymous or forged request is refused with 401 without costing the body's transfer, parsing or
 * validation (a 30 MB nested body once held the event loop for 14 s before the guard ran). The
 * principal found is kept on the request; the guard then checks its scope.
 *
 * Requests matching no route are left to the 404 handler: they carry no credential check, and
 * their bodies fall under the small service-wide limit.
 */
export function authenticateBeforeBody(fastify: FastifyInstance, authenticator: Authenticator): void {
  fastify.addHook('onRequest', async (request) => {
    if (request.routeOptions.url === undefined || requestRouteHas(request, RouteFlag.public)) return;
    (request as AuthedRequest).principal = await authenticator.authenticate(request);
  });
}
