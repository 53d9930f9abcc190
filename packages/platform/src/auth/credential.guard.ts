import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isSafeString, type Scope } from '@modelyard/types';
import { Forbidden } from '../errors/domain-errors.js';
import { TeamAccess, isPlatformAdmin } from '../teams/team-access.js';
import { TEAM_CHECKED_IN_HANDLER, TEAM_RESOURCE, TeamResolvers, type TeamResourceSpec } from '../teams/team-resource.js';
import { Authenticator } from './authenticator.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, type AuthedRequest, type Principal } from './principal.js';

type Targets = [ReturnType<ExecutionContext['getHandler']>, ReturnType<ExecutionContext['getClass']>];

/**
 * Global guard: every route needs a credential unless marked @Public(), then the route's scope is
 * checked: against the caller's role in the resource's team for a @TeamResource route whose model
 * has a team, against its global roles otherwise. The credential itself was checked before the
 * body was read (see authenticate-early.ts); the guard uses the principal found there, and runs
 * the same check only for a request the hook did not authenticate.
 */
@Injectable()
export class CredentialGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
    @Inject(TeamResolvers) private readonly resolvers: TeamResolvers,
  ) {}

  // Not async: the principal is nearly always known from the early hook, and then a global check costs no promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets: Targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthedRequest>();
    if (request.principal) return this.allowed(request, request.principal, targets);
    return this.authenticator.authenticate(request).then((principal) => {
      request.principal ??= principal;
      return this.allowed(request, request.principal, targets);
    });
  }

  private allowed(request: AuthedRequest, principal: Principal, targets: Targets): boolean | Promise<boolean> {
    const needed =
      this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    if (isPlatformAdmin(principal)) return true;
    const resource = this.reflector.getAllAndOverride<TeamResourceSpec | undefined>(TEAM_RESOURCE, targets);
    if (resource) return this.teamAllowed(request, principal, needed, resource);
    if (this.reflector.getAllAndOverride<boolean>(TEAM_CHECKED_IN_HANDLER, targets)) {
      return this.teams.requireScopeOrMembership(principal, needed).then(() => true);
    }
    if (!principal.scopes.has(needed)) throw new Forbidden(needed);
    return true;
  }

  private async teamAllowed(request: AuthedRequest, principal: Principal, needed: Scope, resource: TeamResourceSpec): Promise<boolean> {
    const value = fieldOf(request, resource);
    // No usable value (a malformed body or id): global roles decide, then validation answers 400.
    const model = value === undefined ? null : await this.resolvers.modelOf(resource.kind, value);
    if (model === null) {
      if (!principal.scopes.has(needed)) throw new Forbidden(needed);
      return true;
    }
    const scopes = await this.teams.requireModel(principal, needed, model);
    // The handler sees the caller's scopes on this model (a team maintainer may then promote
    // there); a new object, as the authenticated principal is cached and shared between requests.
    if (scopes !== principal.scopes) request.principal = { ...principal, scopes };
    return true;
  }
}

/**
 * The resource's id or name as the client sent it; only a non-empty safe string counts (a NUL
 * would fail the lookup's query as a 500: such a value is left to the route's validation, a 400).
 */
function fieldOf(request: AuthedRequest, { from, field }: TeamResourceSpec): string | undefined {
  if (from === 'bodyOrQuery')
    return fieldOf(request, { kind: '', from: 'body', field }) ?? fieldOf(request, { kind: '', from: 'query', field });
  const source: unknown = from === 'params' ? request.params : from === 'query' ? request.query : request.body;
  if (typeof source !== 'object' || source === null || !Object.hasOwn(source, field)) return undefined;
  const value = (source as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 && isSafeString(value) ? value : undefined;
}
