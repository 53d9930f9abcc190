import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Scope } from '@modelyard/types';
import { Forbidden } from '../errors/domain-errors.js';
import { Authenticator } from './authenticator.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, type AuthedRequest, type Principal } from './principal.js';

type Targets = [ReturnType<ExecutionContext['getHandler']>, ReturnType<ExecutionContext['getClass']>];

/**
 * Global guard: every route needs a credential unless marked @Public(), then the route's scope is
 * checked against the caller's roles. The credential itself was checked before the body was read
 * (see authenticate-early.ts); the guard uses the principal found there, and runs the same check
 * only for a request the hook did not authenticate.
 */
@Injectable()
export class CredentialGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {}

  // Not async: the principal is nearly always known from the early hook, and then the check costs no promise.
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

  private allowed(request: AuthedRequest, principal: Principal, targets: Targets): boolean {
    const needed =
      this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    if (!principal.scopes.has(needed)) throw new Forbidden(needed);
    return true;
  }
}
