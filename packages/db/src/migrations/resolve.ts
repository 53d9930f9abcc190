import pg from 'pg';
import { databaseName, pgErrorCode } from '../database-url.js';
import { withSchemaEngine } from '../engine/engine-session.js';
import { acquireMigrationLock } from './migration-lock.js';
import { readMigrations } from './migrations-dir.js';
import { DEFAULT_MIGRATIONS_DIR } from './paths.js';

/** How an operator settles a failed migration, as `prisma migrate resolve` does. */
export type MigrationResolution = 'rolled-back' | 'applied';

export interface ResolveMigrationOptions {
  log?: (line: string) => void;
  migrationsDir?: string;
}

const UNDEFINED_TABLE = '42P01';

/** Migrations recorded as started but neither finished nor rolled back: they block every deploy. */
export async function failedMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'modelyard-migrate' });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations ' + 'WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at',
    );
    return rows.map((r) => r.migration_name);
  } catch (err) {
    if (pgErrorCode(err) === UNDEFINED_TABLE) return [];
    throw err;
  } finally {
    await client.end();
  }
}

/** The message a failed deploy ends with: which migration, and the two ways out. */
export function recoveryHint(name: string): string {
  return (
    `Migration ${name} failed; no later migration was applied. To recover:\n` +
    `  1. If its changes are not in the database (Postgres rolled the failed script back), fix migration.sql,\n` +
    `     mark it with  pnpm db:deploy --rolled-back ${name}  and run  pnpm db:deploy  again.\n` +
    `  2. If you completed its changes by hand, mark it with  pnpm db:deploy --applied ${name}.\n` +
    `See "When a migration fails" in the README.`
  );
}

/**
 * Marks a failed migration as rolled back (it is applied again by the next deploy; the failed
 * attempt stays in `_prisma_migrations` as an audit trail) or as applied (its changes were made by
 * hand). Runs under the same lock as deploys.
 */
export async function resolveMigration(
  databaseUrl: string,
  name: string,
  resolution: MigrationResolution,
  opts: ResolveMigrationOptions = {},
): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const migrationsList = await readMigrations(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  if (!migrationsList.migrationDirectories.some((d) => d.path === name)) {
    throw new Error(`No migration named ${name} in ${migrationsList.baseDir}`);
  }
  const lock = await acquireMigrationLock(databaseUrl);
  try {
    await withSchemaEngine(databaseUrl, (engine) =>
      resolution === 'rolled-back'
        ? engine.markMigrationRolledBack({ migrationName: name })
        : engine.markMigrationApplied({ migrationName: name, migrationsList }),
    );
  } finally {
    await lock.release();
  }
  log(`Marked migration ${name} as ${resolution} in "${databaseName(databaseUrl)}".`);
}
