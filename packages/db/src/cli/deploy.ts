// `pnpm db:deploy`: apply prisma/migrations to DATABASE_URL (creating the database if needed).
// Safe to run from several pods at once. After a failed migration, `--rolled-back <name>` or
// `--applied <name>` marks it (like `prisma migrate resolve`) and applies nothing.
// Usage: deploy [--migrations-dir <dir>] [--rolled-back <name> | --applied <name>]
import { redactUrl } from '../database-url.js';
import { applyMigrations } from '../migrations/deploy.js';
import { resolveMigration } from '../migrations/resolve.js';
import { runCli } from './cli-util.js';
import { parseDeployArgs } from './deploy-args.js';

runCli(async () => {
  const args = parseDeployArgs(process.argv.slice(2));
  // This is a production tool: no guessed default database.
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (e.g. postgresql://user:pass@host:5432/modelyard)');
  const log = (line: string) => console.log(line);
  if (args.resolve) {
    await resolveMigration(url, args.resolve.name, args.resolve.as, { log, migrationsDir: args.migrationsDir });
    return;
  }
  const started = Date.now();
  console.log(`Applying migrations to ${redactUrl(url)}`);
  await applyMigrations(url, { log, migrationsDir: args.migrationsDir });
  console.log(`Done in ${Date.now() - started} ms.`);
});
