import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isSafeString, type Scope } from '@modelyard/types';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AuthedRequest } from '../auth/principal.js';
import { Forbidden, Unauthenticated } from '../errors/domain-errors.js';
import { sendProblem } from '../errors/problem.filter.js';
import { RateLimiter } from '../rate-limit/rate-limit.guard.js';
import { TeamAccess, isPlatformAdmin } from '../teams/team-access.js';
import { TeamResolvers } from '../teams/team-resource.js';

/** A request's handler once admitted; it answers (or fails) the request itself. */
export type DirectHandler = (request: FastifyRequest, reply: FastifyReply) => void;

/** Who may call a direct route: the scope it needs, and the team-owned resource it acts on. */
export interface DirectAccess {
  scope: Scope;
  /** `model` (the value is the model's name) or a kind a service registered a TeamResolver for. */
  kind: string;
  /** The path parameter naming the resource, as @TeamResource's `field`. */
  param: string;
}

/** A route answered by Fastify alone; `assertInstalled` fails when its Nest route was never registered. */
export interface DirectRoute {
  assertInstalled(): void;
}

/**
 * Hot routes answered by a plain Fastify handler, without Nest's router, guards, pipes and filter:
 * on a small request they cost several times the route's own work (bench:serving,
 * bench:experiments). The controller method stays and declares the route (path, body limit,
 * OpenAPI description, flags the early authentication hook reads); only its handler is replaced
 * as Fastify adds the route.
 *
 * `admit` does what the global guards do, in the same order and with the same pieces, so answers
 * are identical: the credential (already found by the early hook), the scope on the resource's
 * team (global roles for a resource without one, as CredentialGuard), the rate limit; no
 * maintenance check (reads, or @AllowInMaintenance). `fail` answers problem+json as ProblemFilter.
 * Callback style throughout: a request that needs no lookup costs no promise.
 */
@Injectable()
export class DirectRoutes {
  // The name ProblemFilter logs under: an unexpected error reads the same whichever path answered.
  private readonly logger = new Logger('ProblemFilter');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
    @Inject(TeamResolvers) private readonly resolvers: TeamResolvers,
  ) {}

  /**
   * Replaces the handler of the route `method url` as Nest registers it. Call from a provider's
   * constructor: providers are built before app.init() registers the routes.
   */
  install(method: string, url: string, handler: DirectHandler): DirectRoute {
    let installed = false;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route: RouteOptions) => {
      if (route.method !== method || route.url !== url) return;
      route.handler = (request, reply) => handler(request, reply);
      installed = true;
    });
    return {
      // From onModuleInit, after the routes are registered: a renamed route must not silently lose its handler.
      assertInstalled() {
        if (!installed) throw new Error(`no ${method} ${url} route was registered for its direct handler`);
      },
    };
  }

  /** Runs `next` once the caller is allowed `access` and within its rate limit; answers the refusal otherwise. */
  admit(request: FastifyRequest, reply: FastifyReply, access: DirectAccess, next: DirectHandler): void {
    try {
      const principal = (request as AuthedRequest).principal;
      if (!principal) throw new Unauthenticated();
      // Platform admins (services calling with their credential) pass every team: no lookup.
      if (isPlatformAdmin(principal)) return this.limited(request, reply, next);
      const value = paramOf(request, access.param);
      // No usable value (a NUL, say): global roles decide, then the route's validation answers 400.
      if (value === undefined) {
        if (!principal.scopes.has(access.scope)) throw new Forbidden(access.scope);
        return this.limited(request, reply, next);
      }
      this.teamAllowed(request as AuthedRequest, access, value).then(
        () => this.limited(request, reply, next),
        (err: unknown) => this.fail(err, request, reply),
      );
    } catch (err) {
      this.fail(err, request, reply);
    }
  }

  /** Answers `err` as problem+json, exactly as ProblemFilter does for Nest's routes. */
  fail(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
    sendProblem(err, request, reply, this.logger);
  }

  private async teamAllowed(request: AuthedRequest, access: DirectAccess, value: string): Promise<void> {
    const principal = request.principal!;
    const model = await this.resolvers.modelOf(access.kind, value);
    if (model === null) {
      if (!principal.scopes.has(access.scope)) throw new Forbidden(access.scope);
      return;
    }
    const scopes = await this.teams.requireModel(principal, access.scope, model);
    // As the guard: the handler sees the caller's scopes on this model, on a copy of the shared principal.
    if (scopes !== principal.scopes) request.principal = { ...principal, scopes };
  }

  private limited(request: FastifyRequest, reply: FastifyReply, next: DirectHandler): void {
    try {
      const limited = this.limiter.check(request, reply);
      if (limited === true) return next(request, reply);
      limited.then(
        () => next(request, reply),
        (err: unknown) => this.fail(err, request, reply),
      );
    } catch (err) {
      this.fail(err, request, reply);
    }
  }
}

/** The path parameter as the client sent it, when it is a non-empty safe string (as CredentialGuard's fieldOf). */
function paramOf(request: FastifyRequest, param: string): string | undefined {
  const params = request.params;
  if (typeof params !== 'object' || params === null || !Object.hasOwn(params, param)) return undefined;
  const value = (params as Record<string, unknown>)[param];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 && isSafeString(value) ? value : undefined;
}
