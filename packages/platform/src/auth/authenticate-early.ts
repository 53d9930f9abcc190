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
  // Callback style: a credential already verified (cached) is accepted without creating a promise.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.url === undefined || requestRouteHas(request, RouteFlag.public)) return done();
    const known = authenticator.authenticateNow(request);
    if (known) {
      (request as AuthedRequest).principal = known;
      return done();
    }
    authenticator.authenticate(request).then(
      (principal) => {
        (request as AuthedRequest).principal = principal;
        done();
      },
      (err: Error) => done(err),
    );
  });
}
