import { CanActivate, Controller, ExecutionContext, Get, Inject, Injectable, Put, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, MaintenanceBody, MaintenanceResponse } from '@modelyard/types';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../audit/audit-writer.js';
import { CurrentPrincipal, RequireScope, type Principal } from '../auth/principal.js';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { DomainError } from '../errors/domain-errors.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { RedisService } from '../redis/redis.service.js';
import { ZBody } from '../validation/zod-validation.js';

const KEY = 'maintenance';
const RETRY_AFTER_SECONDS = 60;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ALLOW_IN_MAINTENANCE = 'modelyard:allow-in-maintenance';
export const AllowInMaintenance = () => SetMetadata(ALLOW_IN_MAINTENANCE, true);

/**
 * Maintenance mode: writes answer 503, reads keep working. Switched by MAINTENANCE_MODE (for a
 * planned window set at deploy time) or by an admin at run time; the run-time flag lives in Redis
 * so every replica and every service of the installation sees it.
 */
@Injectable()
export class MaintenanceService {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  async state(): Promise<MaintenanceResponse> {
    if (this.config.maintenanceFromEnv) return { enabled: true, message: null, source: 'env' };
    const raw = await this.redis.client.get(KEY);
    if (!raw) return { enabled: false, message: null, source: null };
    const parsed = JSON.parse(raw) as { message?: string };
    return { enabled: true, message: parsed.message ?? null, source: 'api' };
  }

  /**
   * The flag lives in Redis, the audit in Postgres: the flag is switched inside the audit's
   * transaction, so a switch that failed leaves no entry (a failed commit after it can still leave
   * a switch unrecorded, which Redis cannot roll back).
   */
  async set(enabled: boolean, message: string | undefined, actor: string): Promise<MaintenanceResponse> {
    return this.prisma.$transaction(async (tx) => {
      const before = await this.state();
      if (enabled) await this.redis.client.set(KEY, JSON.stringify({ message }));
      else await this.redis.client.del(KEY);
      const after = await this.state();
      const action = enabled ? 'maintenance.enabled' : 'maintenance.disabled';
      await recordAudit(tx, 'platform', { action, actor, target: 'maintenance', before, after, reason: message ?? null });
      return after;
    });
  }
}

@Injectable()
export class MaintenanceGuard implements CanActivate {
  constructor(
    @Inject(MaintenanceService) private readonly maintenance: MaintenanceService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  // Not async: reads and routes allowed in maintenance cost no promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (READ_METHODS.has(request.method)) return true;
    if (this.reflector.getAllAndOverride<boolean>(ALLOW_IN_MAINTENANCE, [context.getHandler(), context.getClass()])) {
      return true;
    }
    return this.unlessInMaintenance();
  }

  private async unlessInMaintenance(): Promise<boolean> {
    const state = await this.maintenance.state();
    if (!state.enabled) return true;
    throw new DomainError(
      503,
      ErrorCode.maintenance,
      'Maintenance mode',
      state.message ?? 'the platform is in maintenance; writes are paused, reads still work',
      {},
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }
}

@Controller('v1/admin/maintenance')
@RequireScope('admin')
export class MaintenanceController {
  constructor(@Inject(MaintenanceService) private readonly maintenance: MaintenanceService) {}

  @Get()
  @ApiDoc({ summary: 'Whether maintenance mode is on', response: MaintenanceResponse, tags: ['admin'] })
  get() {
    return this.maintenance.state();
  }

  @Put()
  @AllowInMaintenance()
  @ApiDoc({ summary: 'Switch maintenance mode on or off', response: MaintenanceResponse, tags: ['admin'] })
  put(@ZBody(MaintenanceBody) body: z.infer<typeof MaintenanceBody>, @CurrentPrincipal() who: Principal) {
    return this.maintenance.set(body.enabled, body.message, who.id);
  }
}
