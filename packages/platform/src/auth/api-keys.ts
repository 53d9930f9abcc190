import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@modelyard/db';
import { Prisma } from '@modelyard/db';
import { Role, TeamRole, type ApiKeyResponse, type CreatedApiKeyResponse } from '@modelyard/types';
import { recordAudit } from '../audit/audit-writer.js';
import { NotFound } from '../errors/domain-errors.js';

/** Every key starts with this, so a credential can be told from a JWT and spotted by secret scanners. */
export const API_KEY_MARK = 'myk_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_MARK);
}

/** How API keys are named in the audit log. */
export const apiKeyTarget = (id: string) => `api_key:${id}`;

type ApiKeyRow = Awaited<ReturnType<PrismaClient['apiKey']['findFirstOrThrow']>>;

export function toApiKeyResponse(row: ApiKeyRow): ApiKeyResponse {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles.map((r) => Role.parse(r)),
    team: row.team,
    teamRole: row.teamRole === null ? null : TeamRole.parse(row.teamRole),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * Creates a key. The secret (256 random bits) is returned once and only its SHA-256 is stored:
 * a stolen database does not yield usable keys. A fast hash is right here because the secret is
 * random, not a password, so there is nothing to brute-force.
 */
export async function mintApiKey(
  prisma: PrismaClient,
  input: { name: string; roles: Role[]; team?: { name: string; role: TeamRole }; createdBy: string; expiresAt?: Date },
): Promise<CreatedApiKeyResponse> {
  const prefix = randomBytes(6).toString('hex');
  const key = `${API_KEY_MARK}${prefix}_${randomBytes(32).toString('base64url')}`;
  try {
    const row = await prisma.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: {
          name: input.name,
          prefix,
          hash: hashApiKey(key),
          roles: input.roles,
          team: input.team?.name ?? null,
          teamRole: input.team?.role ?? null,
          createdBy: input.createdBy,
          expiresAt: input.expiresAt ?? null,
        },
      });
      // The audit holds the key's public fields only, never its secret or hash.
      const after = toApiKeyResponse(created);
      await recordAudit(tx, 'platform', { action: 'api_key.created', actor: input.createdBy, target: apiKeyTarget(created.id), after });
      return created;
    });
    return { ...toApiKeyResponse(row), key };
  } catch (err) {
    // The team is a foreign key: a key for a team that does not exist is refused by the database.
    if (input.team && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003')
      throw new NotFound('team', input.team.name);
    throw err;
  }
}
