import { Controller, Get, Inject, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/principal.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.guard.js';
import { RedisService } from '../redis/redis.service.js';

/** Extra readiness checks a service adds (e.g. artifact storage). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export interface ReadinessCheck {
  name: string;
  check(): Promise<Record<string, unknown> | void>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Controller('health')
@Public()
@SkipRateLimit()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(RedisService) private readonly redis: RedisService,
    @Optional() @Inject(READINESS_CHECKS) private readonly extra: ReadinessCheck[] = [],
  ) {}

  /** Liveness: the process answers. Dependencies are not checked, so an outage does not restart pods. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: Postgres, Redis and the service's own dependencies answer within a deadline. A
   * failed check is a 503 with terminus's report of every check (the problem filter would turn
   * it into a bare 500 and hide which dependency is down).
   */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.checkReady();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      void reply.status(503);
      return err.getResponse();
    }
  }

  private checkReady() {
    return this.health.check([
      () =>
        this.indicators
          .check('postgres')
          .attempt(async () => {
            await this.prisma.$queryRaw`SELECT 1`;
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await this.redis.client.ping();
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      ...this.extra.map(
        (c) => () =>
          this.indicators
            .check(c.name)
            .attempt(() => c.check())
            .withTimeout(CHECK_TIMEOUT_MS),
      ),
    ]);
  }
}
