import { createPrismaClient } from '@modelyard/db';
import { ConfigError, mintApiKey, parseEnv } from '@modelyard/platform';
import { Role } from '@modelyard/types';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const USAGE = `Usage: modelyard-registry create-admin-key [--name NAME] [--roles admin,editor] [--expires-in-days N] [--json]

Mints an API key straight into the database (DATABASE_URL), for the first admin of a new
installation or when every admin key is lost. The key is printed once; only its hash is stored.`;

const CliEnv = z.object({ DATABASE_URL: z.string().default('postgresql://root@127.0.0.1:5432/modelyard') });

async function createAdminKey(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string', default: 'bootstrap admin' },
      roles: { type: 'string', default: 'admin' },
      'expires-in-days': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const roles = z.array(Role).min(1).parse(values.roles.split(',').map((r) => r.trim()));
  const days = values['expires-in-days'] ? z.coerce.number().int().positive().parse(values['expires-in-days']) : undefined;
  const { DATABASE_URL } = parseEnv(CliEnv, process.env);
  const prisma = createPrismaClient(DATABASE_URL);
  try {
    const key = await mintApiKey(prisma, {
      name: values.name,
      roles,
      createdBy: 'cli',
      expiresAt: days ? new Date(Date.now() + days * 86_400_000) : undefined,
    });
    if (values.json) console.log(JSON.stringify(key));
    else console.log(`API key (shown once, store it now): ${key.key}\nid: ${key.id}  roles: ${key.roles.join(',')}`);
  } finally {
    await prisma.$disconnect();
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'create-admin-key') await createAdminKey(rest);
  else {
    console.error(USAGE);
    process.exitCode = command === undefined || command === '--help' ? 0 : 2;
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof z.ZodError ? err.message : String(err));
  process.exitCode = 1;
}
