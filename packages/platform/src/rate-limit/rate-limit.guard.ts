import { CanActivate, ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { DomainError } from '../errors/domain-errors.js';
import { clientKey } from '../http/client-ip.js';
import type { Principal } from '../auth/principal.js';
import { RedisService } from '../redis/redis.service.js';

export const SKIP_RATE_LIMIT = 'modelyard:skip-rate-limit';
/** Probes and scrapers must never be throttled. */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);

export class RateLimited extends DomainError {
  constructor(retryAfterSeconds: number, reason?: string) {
    const detail = reason ? `${reason}; retry after ${retryAfterSeconds} s` : `retry after ${retryAfterSeconds} s`;
    super(
      429,
      ErrorCode.rateLimited,
      'Too many requests',
      detail,
      {},
      {
        'retry-after': String(retryAfterSeconds),
      },
    );
  }
}

/**
 * Fixed-window limit per credential (per client IP on public routes: /docs, /openapi.json), counted
 * in Redis so every replica shares the budget. Requests whose credential fails are limited by
 * AuthFailureLimiter instead. If Redis is unreachable requests pass: the limit protects the
 * service, it must not take it down. Used by the guard, and by a route served by Fastify alone
 * (serving's predict) so both count the same budget the same way.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
  ) {}

  /** Counts the request; throws RateLimited past the limit. Not async: with no limit it costs no promise. */
  check(request: FastifyRequest & { principal?: Principal }, reply: FastifyReply): true | Promise<true> {
    if (this.config.rateLimit.max === 0) return true;
    return this.count(request, reply);
  }

  private async count(request: FastifyRequest & { principal?: Principal }, reply: FastifyReply): Promise<true> {
    const { max, windowSeconds } = this.config.rateLimit;
    const who = request.principal ? `p:${request.principal.id}` : `ip:${clientKey(request.ip)}`;
    const key = `ratelimit:${who}`;
    let count: number;
    let ttlMs: number;
    try {
      const results = await this.redis.client
        .multi()
        .incr(key)
        .pexpire(key, windowSeconds * 1000, 'NX')
        .pttl(key)
        .exec();
      count = Number(results?.[0]?.[1]);
      ttlMs = Number(results?.[2]?.[1]);
    } catch (err) {
      this.logger.warn(`rate limit not enforced, Redis failed: ${String(err)}`);
      return true;
    }
    void reply.header('ratelimit-limit', String(max));
    void reply.header('ratelimit-remaining', String(Math.max(0, max - count)));
    if (count > max) throw new RateLimited(Math.max(1, Math.ceil(ttlMs / 1000)));
    return true;
  }
}

/** Global guard: the RateLimiter on every route but those marked @SkipRateLimit(). */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  // Not async: with no limit, or on a route that skips it, the check costs no promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.config.rateLimit.max === 0) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    return this.limiter.check(http.getRequest<FastifyRequest & { principal?: Principal }>(), http.getResponse<FastifyReply>());
  }
}
