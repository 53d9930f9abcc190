// `pnpm db:migrate --name add_x`: for developers after editing prisma/schema.prisma. Applies pending
// migrations to DATABASE_URL, writes prisma/migrations/<timestamp>_<name>/migration.sql when the
// schema differs from the migrations, and applies it.
//   migrate --name <name> [--create-only] [--migrations-dir <dir>] [--schema <file>]
//   migrate --check      exit 2 (printing the SQL) if schema.prisma needs a migration; for CI
import { parseArgs } from 'node:util';
import { databaseName, ensureDatabase, redactUrl } from '../database-url.js';
import { createMigration, diffSchemaAgainstMigrations } from '../migrations/migrate.js';
import { DEV_DATABASE_URL, runCli } from './cli-util.js';

runCli(async () => {
  const { values } = parseArgs({
    options: {
      name: { type: 'string', short: 'n' },
      'create-only': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      'migrations-dir': { type: 'string' },
      schema: { type: 'string' },
    },
  });
  // A developer tool: the local database of prisma.config.ts when DATABASE_URL is unset.
  const url = process.env.DATABASE_URL ?? DEV_DATABASE_URL;
  const paths = { migrationsDir: values['migrations-dir'], schemaPath: values.schema };
  console.log(`Database: ${redactUrl(url)}`);

  if (values.check) {
    if (await ensureDatabase(url)) console.log(`Created database "${databaseName(url)}".`);
    const script = await diffSchemaAgainstMigrations(url, paths);
    if (script === null) {
      console.log('schema.prisma matches the migrations.');
      return;
    }
    console.log(`schema.prisma has changes without a migration (run pnpm db:migrate --name <name>):\n${script}`);
    process.exit(2);
  }

  if (!values.name) throw new Error('Missing --name, e.g. pnpm db:migrate --name add_drift_monitors');
  await createMigration(url, {
    ...paths,
    name: values.name,
    apply: !values['create-only'],
    log: (line) => console.log(line),
  });
});
