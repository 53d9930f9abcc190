import { ConfigError } from '@modelyard/platform';
import { z } from 'zod';
import { createAdminKey } from './admin-key.js';

const USAGE = `Usage: node apps/registry/dist/cli.js create-admin-key [--name NAME] [--roles admin,editor] [--expires-in-days N] [--json]

Mints an API key straight into the database named by DATABASE_URL. The key is printed once;
only its hash is stored.`;

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'create-admin-key') {
    const key = await createAdminKey(rest, process.env);
    if (rest.includes('--json')) console.log(JSON.stringify(key));
    else console.log(`API key (shown once, store it now): ${key.key}\nid: ${key.id}  roles: ${key.roles.join(',')}`);
  } else {
    console.error(USAGE);
    process.exitCode = command === undefined || command === '--help' ? 0 : 2;
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof z.ZodError ? err.message : String(err));
  process.exitCode = 1;
}
