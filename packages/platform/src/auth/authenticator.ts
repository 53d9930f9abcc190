import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Unauthenticated, UpstreamUnavailable } from '../errors/domain-errors.js';
import { AuthFailureLimiter } from '../rate-limit/auth-failures.js';
import { looksLikeApiKey } from './api-keys.js';
import { ApiKeysService } from './api-keys.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import type { Principal } from './principal.js';

/**
 * Tokens already verified, until their own expiry and at most this long: SDKs and services send
 * the same token on every call, and verifying its signature each time was a sixth of a simple
 * route's CPU. A JWT cannot be revoked before it expires anyway, so nothing is lost.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

interface Presented {
  token: string;
  viaHeader: 'x-api-key' | 'authorization';
}

function presentedCredential(request: FastifyRequest): Presented | null {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return { token: apiKey, viaHeader: 'x-api-key' };
  const auth = request.headers.authorization;
  const match = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match ? { token: match[1]!, viaHeader: 'authorization' } : null;
}

/**
 * The one credential check. API keys (X-API-Key, or a bearer token starting with the key mark)
 * are checked against the database; other bearer tokens are JWTs verified by passport-jwt
 * (JwtStrategy). Called by the onRequest hook, before the body is read, and by the guard for any
 * route the hook did not see.
 */
@Injectable()
export class Authenticator {
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(JwtStrategy) private readonly jwt: JwtStrategy,
    @Inject(AuthFailureLimiter) private readonly failures: AuthFailureLimiter,
  ) {}

  /**
   * The caller of `request` when it is known without I/O: the address has no failed
   * authentication and the credential was verified within its cache's lifetime (a JWT until
   * VERIFIED_TTL_MS or its expiry, an API key for the key cache's few seconds, revocations heard
   * dropping it at once). Undefined otherwise: then `authenticate`, which also refuses and counts.
   * Both answer alike for a given credential; this one spares a hot route the promises.
   */
  authenticateNow(request: FastifyRequest): Principal | undefined {
    if (!this.failures.knownClean(request.ip)) return undefined;
    const credential = presentedCredential(request);
    if (!credential) return undefined;
    if (looksLikeApiKey(credential.token)) return this.apiKeys.cachedPrincipal(credential.token);
    if (credential.viaHeader === 'x-api-key') return undefined;
    const hit = this.verified.get(credential.token);
    return hit && hit.until > Date.now() ? hit.principal : undefined;
  }

  /**
   * The caller of `request`; Unauthenticated (401) when the credential is missing or not valid,
   * RateLimited (429) while the client's address has failed too often (each 401 is counted).
   */
  authenticate(request: FastifyRequest): Promise<Principal> {
    return this.failures.attempt(request.ip, () => this.check(request));
  }

  private async check(request: FastifyRequest): Promise<Principal> {
    const credential = presentedCredential(request);
    if (!credential) throw new Unauthenticated();
    if (looksLikeApiKey(credential.token)) {
      const principal = await this.apiKeys.authenticate(credential.token);
      if (!principal) throw new Unauthenticated('the API key is unknown, revoked or expired');
      return principal;
    }
    if (credential.viaHeader === 'x-api-key') throw new Unauthenticated('X-API-Key does not hold an API key');
    return this.verifyJwt(credential.token, request);
  }

  private async verifyJwt(token: string, request: FastifyRequest): Promise<Principal> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.principal;
    const principal = await verifyWithStrategy(this.jwt, request);
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(token, { principal, until: Math.min(now + VERIFIED_TTL_MS, principal.expiresAt ?? Infinity) });
    return principal;
  }
}

interface StrategyRun {
  success(user: Principal): void;
  fail(info?: unknown): void;
  error(err: unknown): void;
  pass(): void;
  redirect(): void;
  authenticate(request: unknown, options: object): void;
}

/**
 * Runs the passport-jwt strategy on one request the way passport itself does: a fresh object
 * inheriting from the strategy, given the outcome callbacks. Any failure (no token, a bad
 * signature or claims) is a 401, as @nestjs/passport's AuthGuard made it; an identity provider
 * whose key set cannot be fetched is a 503 (UpstreamUnavailable, not counted as a failed authentication).
 */
function verifyWithStrategy(strategy: JwtStrategy, request: FastifyRequest): Promise<Principal> {
  return new Promise((resolve, reject) => {
    const refuse = (info?: unknown) => {
      if (info instanceof UpstreamUnavailable) return reject(info);
      const reason = (info as { name?: string } | undefined)?.name;
      reject(new Unauthenticated(reason === 'TokenExpiredError' ? 'the token has expired' : 'the token is not valid'));
    };
    const run = Object.assign(Object.create(strategy) as StrategyRun, {
      success: (user: Principal) => (user ? resolve(user) : refuse()),
      fail: refuse,
      // The strategy's own refusals (no exp, too long a lifetime) carry their reason.
      error: (err: unknown) => (err instanceof Unauthenticated ? reject(err) : refuse(err)),
      pass: () => refuse(),
      redirect: () => refuse(),
    });
    try {
      run.authenticate(request, {});
    } catch (err) {
      refuse(err);
    }
  });
}
