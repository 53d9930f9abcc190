import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Role, TeamRole, scopesOf, type ApiKeyResponse, type CreateApiKeyBody, type CreatedApiKeyResponse } from '@modelyard/types';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { NotFound } from '../errors/domain-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { RedisService } from '../redis/redis.service.js';
import { ChannelSubscription } from '../redis/channel-subscription.js';
import { recordAudit } from '../audit/audit-writer.js';
import { apiKeyTarget, hashApiKey, mintApiKey, toApiKeyResponse } from './api-keys.js';
import type { Principal } from './principal.js';

/** `lastUsedAt` is a hint for operators; writing it on every request would cost a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * Verified keys are remembered this long, so SDK traffic does not cost a database round trip per
 * request. A revocation is published to every replica and service at once (REVOKED_CHANNEL); this
 * is how long it can take to arrive when that subscription is down.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
/** Carries the hash of each revoked key; under the installation's REDIS_PREFIX. */
const REVOKED_CHANNEL = 'api-keys:revoked';

@Injectable()
export class ApiKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new Map<string, { principal: Principal | null; until: number; expiresAt: number | null }>();
  private readonly channel: string;
  private subscription?: ChannelSubscription;
  /** Counts revocations heard, so a lookup that overlapped one does not cache what it read before. */
  private revocationsHeard = 0;

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.channel = `${config.redis.prefix}:${REVOKED_CHANNEL}`;
  }

  /** Listens for revocations from start-up; workers authenticate no requests. */
  async onModuleInit(): Promise<void> {
    if (this.config.workerOnly) return;
    this.subscription = await ChannelSubscription.open(this.config.redis, this.channel, {
      message: (hash) => {
        this.revocationsHeard++;
        this.cache.delete(hash);
      },
      // A revocation published while the connection was down is never delivered: forget every key cached meanwhile.
      listening: () => {
        this.revocationsHeard++;
        this.cache.clear();
      },
      failed: (err) => this.logger.warn(`revoked API keys may work here for up to ${CACHE_MS / 1000} s: no subscription (${String(err)})`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  /**
   * The principal of a key accepted within CACHE_MS and not revoked since (as heard), without I/O;
   * undefined when the key must be looked up (authenticate). Refused keys are not answered here, so
   * their refusal goes through the path that counts failed authentications.
   */
  cachedPrincipal(key: string): Principal | undefined {
    const hit = this.fresh(hashApiKey(key));
    return hit?.principal ?? undefined;
  }

  private fresh(hash: string) {
    const hit = this.cache.get(hash);
    const now = Date.now();
    return hit && hit.until > now && (hit.expiresAt === null || hit.expiresAt > now) ? hit : undefined;
  }

  /** The principal for a presented key, or null when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const hit = this.fresh(hash);
    if (hit) return hit.principal;
    const heard = this.revocationsHeard;
    const principal = await this.lookup(hash);
    if (heard !== this.revocationsHeard) return principal;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { principal, until: Date.now() + CACHE_MS, expiresAt: principal?.expiresAt ?? null });
    return principal;
  }

  private async lookup(hash: string): Promise<(Principal & { expiresAt: number | null }) | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { hash } });
    const now = new Date();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      this.prisma.apiKey
        .update({ where: { id: row.id }, data: { lastUsedAt: now } })
        .catch((err: unknown) => this.logger.warn(`could not record key use: ${String(err)}`));
    }
    const roles = row.roles.flatMap((r) => (Role.safeParse(r).success ? [r as Role] : []));
    const teamRole = TeamRole.safeParse(row.teamRole);
    const teams = new Map(row.team && teamRole.success ? [[row.team, teamRole.data]] : []);
    return { kind: 'api_key', id: `key:${row.id}`, roles, scopes: scopesOf(roles), teams, expiresAt: row.expiresAt?.getTime() ?? null };
  }

  create(body: CreateApiKeyBody, createdBy: string): Promise<CreatedApiKeyResponse> {
    return mintApiKey(this.prisma, {
      name: body.name,
      roles: body.roles,
      team: body.team && body.teamRole ? { name: body.team, role: body.teamRole } : undefined,
      createdBy,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
    });
  }

  async list(): Promise<ApiKeyResponse[]> {
    const rows = await this.prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } });
    return rows.map(toApiKeyResponse);
  }

  /** Revoking a revoked key changes nothing (and records nothing). */
  async revoke(id: string, actor: string): Promise<ApiKeyResponse> {
    const existing = await this.prisma.apiKey.findUnique({ where: { id } });
    if (!existing) throw new NotFound('API key', id);
    const row = existing.revokedAt
      ? existing
      : await this.prisma.$transaction(async (tx) => {
          const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
          const [before, after] = [toApiKeyResponse(existing), toApiKeyResponse(revoked)];
          await recordAudit(tx, 'platform', { action: 'api_key.revoked', actor, target: apiKeyTarget(id), before, after });
          return revoked;
        });
    this.cache.delete(row.hash);
    await this.redis.client.publish(this.channel, row.hash).catch((err: unknown) => {
      const within = `${CACHE_MS / 1000} s`;
      this.logger.warn(`revocation not published, other replicas stop the key within ${within}: ${String(err)}`);
    });
    return toApiKeyResponse(row);
  }
}
