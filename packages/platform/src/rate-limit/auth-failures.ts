import { Inject, Injectable, Logger } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { Unauthenticated } from '../errors/domain-errors.js';
import { clientKey } from '../http/client-ip.js';
import { RedisService } from '../redis/redis.service.js';
import { RateLimited } from './rate-limit.guard.js';

/**
 * Failed authentications per client IP (AUTH_FAILURE_LIMIT_MAX per RATE_LIMIT_WINDOW_SECONDS),
 * counted in Redis so every replica and service shares the count. Once an address has failed that
 * often, every request it sends that needs a credential answers 429 until the window ends, a valid
 * credential included: checking the lockout before the credential means a guess that happens to be
 * right is not told apart from a wrong one, and a flood costs one Redis read per request instead of
 * a key lookup or a signature check. Redis failing lets requests through (the limit protects the
 * service, it must not take it down).
 */
/**
 * An address found with no failed authentication is not asked about again for this long: without
 * it every request paid a Redis round trip (the largest cost of a one-instance prediction). Only a
 * lockout caused by failures on other replicas is seen up to this late here; failures seen by this
 * replica drop the address from the cache at once, and an address with any failure is checked on
 * every request.
 */
const CLEAN_FOR_MS = 1_000;
/** Bounds the cache: past this many addresses it starts again (each costs one more Redis read). */
const CLEAN_MAX = 10_000;

@Injectable()
export class AuthFailureLimiter {
  private readonly logger = new Logger(AuthFailureLimiter.name);
  private readonly clean = new Map<string, number>();

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
  ) {}

  /**
   * Runs one authentication for a request from `ip`: refused with 429 while the address is locked
   * out, counted when it fails with Unauthenticated. The one call a guard or a hook needs.
   */
  async attempt<T>(ip: string, authenticate: () => Promise<T>): Promise<T> {
    await this.assertAllowed(ip);
    try {
      return await authenticate();
    } catch (err) {
      if (err instanceof Unauthenticated) await this.recordFailure(ip);
      throw err;
    }
  }

  /**
   * Whether `ip` is known, without asking Redis, to have no failed authentication (the limit is off,
   * or the address was found clean less than CLEAN_FOR_MS ago): what assertAllowed would let
   * through at once. Lets a cached credential be accepted without a promise.
   */
  knownClean(ip: string): boolean {
    if (this.config.rateLimit.authFailureMax === 0) return true;
    return (this.clean.get(this.key(ip)) ?? 0) > Date.now();
  }

  /** Throws RateLimited while `ip` has used up its failed authentications for the window. */
  async assertAllowed(ip: string): Promise<void> {
    const max = this.config.rateLimit.authFailureMax;
    if (max === 0) return;
    const key = this.key(ip);
    if ((this.clean.get(key) ?? 0) > Date.now()) return;
    let count: number;
    let ttlMs: number;
    try {
      const results = await this.redis.client.multi().get(key).pttl(key).exec();
      count = Number(results?.[0]?.[1] ?? 0);
      ttlMs = Number(results?.[1]?.[1]);
    } catch (err) {
      this.logger.warn(`failed-authentication limit not enforced, Redis failed: ${String(err)}`);
      return;
    }
    if (count === 0) {
      if (this.clean.size >= CLEAN_MAX) this.clean.clear();
      this.clean.set(key, Date.now() + CLEAN_FOR_MS);
    }
    if (count >= max) {
      throw new RateLimited(Math.max(1, Math.ceil(ttlMs / 1000)), 'too many failed authentications from this address');
    }
  }

  /** Counts one failed authentication from `ip`. */
  async recordFailure(ip: string): Promise<void> {
    const max = this.config.rateLimit.authFailureMax;
    if (max === 0) return;
    const key = this.key(ip);
    this.clean.delete(key);
    try {
      const results = await this.redis.client
        .multi()
        .incr(key)
        .pexpire(key, this.config.rateLimit.windowSeconds * 1000, 'NX')
        .exec();
      // Logged once per window, when the address crosses the limit, not on every refused request.
      if (Number(results?.[0]?.[1]) === max) {
        this.logger.warn(`${clientKey(ip)} locked out after ${max} failed authentications`);
      }
    } catch (err) {
      this.logger.warn(`failed authentication not counted, Redis failed: ${String(err)}`);
    }
  }

  private key(ip: string) {
    return `authfail:${clientKey(ip)}`;
  }
}
