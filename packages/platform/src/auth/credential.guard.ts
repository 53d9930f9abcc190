import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Scope } from '@modelyard/types';
import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../errors/domain-errors.js';
import { AuthFailureLimiter } from '../rate-limit/auth-failures.js';
import { looksLikeApiKey } from './api-keys.js';
import { ApiKeysService } from './api-keys.service.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, type Principal } from './principal.js';

type AuthedRequest = FastifyRequest & { principal?: Principal; user?: Principal };

/**
 * Tokens already verified, until their own expiry and at most this long: SDKs and services send
 * the same token on every call, and verifying its signature each time was a sixth of a simple
 * route's CPU. A JWT cannot be revoked before it expires anyway, so nothing is lost.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

function presentedCredential(request: FastifyRequest): { token: string; viaHeader: 'x-api-key' | 'authorization' } | null {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return { token: apiKey, viaHeader: 'x-api-key' };
  const auth = request.headers.authorization;
  const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match ? { token: match[1]!, viaHeader: 'authorization' } : null;
}

/**
 * Global guard: every route needs a credential unless marked @Public(). API keys (X-API-Key, or a
 * bearer token starting with the key mark) are checked against the database; other bearer tokens
 * are JWTs verified by passport-jwt. Then the route's scope is checked against the caller's roles.
 */
@Injectable()
export class CredentialGuard extends AuthGuard('jwt') {
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(AuthFailureLimiter) private readonly authFailures: AuthFailureLimiter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.authFailures.attempt(request.ip, () => this.authenticate(context, request));
    request.principal = principal;

    const needed =
      this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ??
      (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    if (!principal.scopes.has(needed)) throw new Forbidden(needed);
    return true;
  }

  private async authenticate(context: ExecutionContext, request: AuthedRequest): Promise<Principal> {
    const credential = presentedCredential(request);
    if (!credential) throw new Unauthenticated();
    if (looksLikeApiKey(credential.token)) {
      const principal = await this.apiKeys.authenticate(credential.token);
      if (!principal) throw new Unauthenticated('the API key is unknown, revoked or expired');
      return principal;
    }
    if (credential.viaHeader === 'x-api-key') throw new Unauthenticated('X-API-Key does not hold an API key');
    return this.verifyJwt(credential.token, context, request);
  }

  private async verifyJwt(token: string, context: ExecutionContext, request: AuthedRequest): Promise<Principal> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.principal;
    await super.canActivate(context);
    const principal = request.user!;
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(token, { principal, until: Math.min(now + VERIFIED_TTL_MS, principal.expiresAt ?? Infinity) });
    return principal;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    // The strategy's own refusals (no exp, too long a lifetime) carry their reason.
    if (err instanceof Unauthenticated) throw err;
    if (err || !user) {
      const reason = (info as { name?: string } | undefined)?.name;
      throw new Unauthenticated(reason === 'TokenExpiredError' ? 'the token has expired' : 'the token is not valid');
    }
    return user;
  }
}
