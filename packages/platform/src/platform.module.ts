import { ChangeAnnouncer } from './events/change-announcer.js';
import { DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ApiKeysController } from './auth/api-keys.controller.js';
import { ApiKeysService } from './auth/api-keys.service.js';
import { Authenticator } from './auth/authenticator.js';
import { CredentialGuard } from './auth/credential.guard.js';
import { JwtStrategy } from './auth/jwt.strategy.js';
import { WhoAmIController } from './auth/whoami.controller.js';
import { PLATFORM_CONFIG, type PlatformConfig } from './config/platform-config.js';
import { ProblemFilter } from './errors/problem.filter.js';
import { HealthController } from './health/health.controller.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { MaintenanceController, MaintenanceGuard, MaintenanceService } from './maintenance/maintenance.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { OutboundUrlPolicy } from './outbound/outbound-url.policy.js';
import { PrismaLifecycle, PrismaService, prismaProvider } from './prisma/prisma.service.js';
import { AuthFailureLimiter } from './rate-limit/auth-failures.js';
import { RateLimitGuard, RateLimiter } from './rate-limit/rate-limit.guard.js';
import { RedisLock } from './redis/redis-lock.js';
import { RedisService } from './redis/redis.service.js';
import { ServiceCredential } from './services/service-credential.js';
import { TeamAccess } from './teams/team-access.js';
import { TeamResolvers } from './teams/team-resource.js';
import { DirectRoutes } from './http/direct-route.js';
import { TeamChanges } from './teams/team-changes.js';
import { LEGACY_KEY_RULES, LegacyKeys, type LegacyKeyRule } from './redis/legacy-keys.js';
import { TeamsController } from './teams/teams.controller.js';
import { TeamsService } from './teams/teams.service.js';

export interface PlatformOptions {
  /** Serve API-key and team management routes and who-am-i (one service of an installation does). */
  apiKeyRoutes?: boolean;
  /** Extra providers the platform's controllers use, e.g. READINESS_CHECKS. */
  providers?: Provider[];
  /** Redis keys of an earlier layout this service moves to their tagged names at start. */
  legacyKeys?: LegacyKeyRule[];
}

/**
 * What every service imports: config, Prisma, Redis, auth (JWT + API keys), rate limiting,
 * maintenance mode, problem+json errors, health, metrics and OpenAPI. Guards run in order:
 * credential → rate limit → maintenance.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, options: PlatformOptions = {}): DynamicModule {
    const controllers: Type[] = [HealthController, MetricsController, OpenApiController, MaintenanceController];
    if (options.apiKeyRoutes) controllers.push(ApiKeysController, TeamsController, WhoAmIController);
    return {
      module: PlatformModule,
      global: true,
      imports: [TerminusModule, DiscoveryModule],
      controllers,
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        prismaProvider,
        PrismaLifecycle,
        RedisService,
        RedisLock,
        MetricsService,
        ApiKeysService,
        AuthFailureLimiter,
        RateLimiter,
        MaintenanceService,
        IdempotencyInterceptor,
        ServiceCredential,
        OutboundUrlPolicy,
        ChangeAnnouncer,
        JwtStrategy,
        Authenticator,
        TeamAccess,
        TeamResolvers,
        TeamsService,
        TeamChanges,
        DirectRoutes,
        { provide: LEGACY_KEY_RULES, useValue: options.legacyKeys ?? [] },
        LegacyKeys,
        { provide: APP_GUARD, useClass: CredentialGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: MaintenanceGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        ...(options.providers ?? []),
      ],
      exports: [
        PLATFORM_CONFIG,
        PrismaService,
        RedisService,
        RedisLock,
        MetricsService,
        ApiKeysService,
        AuthFailureLimiter,
        RateLimiter,
        MaintenanceService,
        IdempotencyInterceptor,
        ServiceCredential,
        OutboundUrlPolicy,
        ChangeAnnouncer,
        TeamAccess,
        TeamResolvers,
        TeamChanges,
        DirectRoutes,
      ],
    };
  }
}
