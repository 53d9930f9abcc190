import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role, Scope, TeamRole } from '@modelyard/types';
import type { FastifyRequest } from 'fastify';
import { RouteFlag, flagRoute, flagRoutesOf } from '../http/route-config.js';

/** Who is calling: a JWT subject or an API key. */
export interface Principal {
  kind: 'jwt' | 'api_key';
  /** `sub` of the token, or `key:<id>` for an API key. */
  id: string;
  roles: Role[];
  /** From the global roles; in a @TeamResource route's handler, the caller's scopes on that model. */
  scopes: Set<Scope>;
  /**
   * Team memberships the credential itself carries: a JWT's `teams` claim, an API key's team.
   * Memberships recorded in platform_team_members are added at each check (TeamAccess), so a
   * change there applies at once, whatever the credential caches hold.
   */
  teams: Map<string, TeamRole>;
  /** When the credential stops being valid (ms since epoch), if it says. */
  expiresAt?: number | null;
}

/** A request once authenticated: the onRequest hook (or the guard) puts its caller here. */
export type AuthedRequest = FastifyRequest & { principal?: Principal };

export const PUBLIC_ROUTE = 'modelyard:public';
export const REQUIRED_SCOPE = 'modelyard:scope';

/**
 * Routes anyone may call (health, metrics, OpenAPI). Everything else needs a credential. On a
 * class or a method; besides Nest's metadata (read by the guard and the OpenAPI builder) it flags
 * the Fastify route, so the authentication hook lets it through before the body is read.
 */
export const Public = (): ClassDecorator & MethodDecorator =>
  ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      SetMetadata(PUBLIC_ROUTE, true)(target, key!, descriptor);
      flagRoute(descriptor.value as object, RouteFlag.public);
      return descriptor;
    }
    SetMetadata(PUBLIC_ROUTE, true)(target as never);
    flagRoutesOf(target, RouteFlag.public);
  }) as ClassDecorator & MethodDecorator;

/**
 * The scope a route needs. Without it, reads (GET/HEAD) need `read` and everything else `write`,
 * so a route can never be left open by forgetting a decorator.
 */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
