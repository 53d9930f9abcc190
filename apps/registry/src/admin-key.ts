import { parseArgs } from 'node:util';
import { createPrismaClient } from '@modelyard/db';
import { mintApiKey, parseEnv } from '@modelyard/platform';
import { Role, type CreatedApiKeyResponse } from '@modelyard/types';
import { z } from 'zod';

const CliEnv = z.object({ DATABASE_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/modelyard') });

/**
 * `create-admin-key`: mints an API key straight into the database, for the first admin of a new
 * installation (there is no one yet to call the API) or when every admin key is lost.
 */
export async function createAdminKey(args: string[], env: Record<string, string | undefined>): Promise<CreatedApiKeyResponse> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string', default: 'bootstrap admin' },
      roles: { type: 'string', default: 'admin' },
      'expires-in-days': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const roles = z
    .array(Role)
    .min(1)
    .parse(values.roles.split(',').map((r) => r.trim()));
  const days = values['expires-in-days'] ? z.coerce.number().int().positive().parse(values['expires-in-days']) : undefined;
  const { DATABASE_URL } = parseEnv(CliEnv, env);
  const prisma = createPrismaClient(DATABASE_URL);
  try {
    return await mintApiKey(prisma, {
      name: values.name,
      roles,
      createdBy: 'cli',
      expiresAt: days ? new Date(Date.now() + days * 86_400_000) : undefined,
    });
  } finally {
    await prisma.$disconnect();
  }
}
