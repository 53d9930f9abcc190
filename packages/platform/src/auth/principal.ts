import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role, Scope } from '@modelyard/types';

/** Who is calling: a JWT subject or an API key. */
export interface Principal {
  kind: 'jwt' | 'api_key';
  /** `sub` of the token, or `key:<id>` for an API key. */
  id: string;
  roles: Role[];
  scopes: Set<Scope>;
  /** When the credential stops being valid (ms since epoch), if it says. */
  expiresAt?: number | null;
}

export const PUBLIC_ROUTE = 'modelyard:public';
export const REQUIRED_SCOPE = 'modelyard:scope';

/** Routes anyone may call (health, metrics, OpenAPI). Everything else needs a credential. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The scope a route needs. Without it, reads (GET/HEAD) need `read` and everything else `write`,
 * so a route can never be left open by forgetting a decorator.
 */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
