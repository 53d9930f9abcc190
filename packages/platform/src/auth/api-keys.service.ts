import { Inject, Injectable, Logger } from '@nestjs/common';
import { Role, scopesOf, type ApiKeyResponse, type CreateApiKeyBody, type CreatedApiKeyResponse } from '@modelyard/types';
import { NotFound } from '../errors/domain-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { hashApiKey, mintApiKey, toApiKeyResponse } from './api-keys.js';
import type { Principal } from './principal.js';

/** `lastUsedAt` is a hint for operators; writing it on every request would cost a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * Verified keys are remembered this long, so SDK traffic does not cost a database round trip per
 * request. A revocation takes effect at once on the replica that made it, within this time elsewhere.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly cache = new Map<string, { principal: Principal | null; until: number; expiresAt: number | null }>();

  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The principal for a presented key, or null when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now() && (hit.expiresAt === null || hit.expiresAt > Date.now())) return hit.principal;
    const principal = await this.lookup(hash);
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
    return { kind: 'api_key', id: `key:${row.id}`, roles, scopes: scopesOf(roles), expiresAt: row.expiresAt?.getTime() ?? null };
  }

  create(body: CreateApiKeyBody, createdBy: string): Promise<CreatedApiKeyResponse> {
    return mintApiKey(this.prisma, {
      name: body.name,
      roles: body.roles,
      createdBy,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
    });
  }

  async list(): Promise<ApiKeyResponse[]> {
    const rows = await this.prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } });
    return rows.map(toApiKeyResponse);
  }

  async revoke(id: string): Promise<ApiKeyResponse> {
    const existing = await this.prisma.apiKey.findUnique({ where: { id } });
    if (!existing) throw new NotFound('API key', id);
    const row = existing.revokedAt
      ? existing
      : await this.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    this.cache.delete(row.hash);
    return toApiKeyResponse(row);
  }
}
