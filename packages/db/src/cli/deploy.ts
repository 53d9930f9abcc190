// `pnpm db:deploy`: apply prisma/migrations to DATABASE_URL (creating the database if needed).
// Safe to run from several pods at once. Usage: deploy [--migrations-dir <dir>]
import { parseArgs } from 'node:util';
import { redactUrl } from '../database-url.js';
import { applyMigrations } from '../migrations/deploy.js';
import { runCli } from './cli-util.js';

runCli(async () => {
  const { values } = parseArgs({ options: { 'migrations-dir': { type: 'string' } } });
  // This is a production tool: no guessed default database.
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (e.g. postgresql://user:pass@host:5432/modelyard)');
  const started = Date.now();
  console.log(`Applying migrations to ${redactUrl(url)}`);
  await applyMigrations(url, {
    log: (line) => console.log(line),
    migrationsDir: values['migrations-dir'],
  });
  console.log(`Done in ${Date.now() - started} ms.`);
});
