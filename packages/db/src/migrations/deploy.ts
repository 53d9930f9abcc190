import { databaseName, ensureDatabase } from '../database-url.js';
import { withSchemaEngine } from '../engine/engine-session.js';
import { acquireMigrationLock } from './migration-lock.js';
import { migrationNames, NO_FILTERS, readMigrations } from './migrations-dir.js';
import { DEFAULT_MIGRATIONS_DIR } from './paths.js';
import { failedMigrations, recoveryHint } from './resolve.js';

/** A deploy stopped by a failed migration: names it and says how to get out. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    cause: Error,
  ) {
    super(`${cause.message}\n\n${recoveryHint(migration)}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

export interface ApplyMigrationsOptions {
  /** Progress lines (created database, waiting for lock, applied migrations). Silent by default. */
  log?: (line: string) => void;
  /** Folder of Prisma migrations; defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** When false, a missing database is an error instead of being created. Default true. */
  createDatabase?: boolean;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order; empty when the database was up to date. */
  applied: string[];
  /** Every migration in the folder, in order. */
  available: string[];
  /** True if this call created the database. */
  createdDatabase: boolean;
}

/**
 * `prisma migrate deploy` without the native engine: creates the database if needed, then applies
 * every not-yet-applied migration folder through the WebAssembly schema engine, recording them in
 * Prisma's usual `_prisma_migrations` table. Concurrent callers serialize on an advisory lock, so
 * each migration runs once; a second run applies nothing.
 */
export async function applyMigrations(databaseUrl: string, opts: ApplyMigrationsOptions = {}): Promise<ApplyMigrationsResult> {
  const log = opts.log ?? (() => undefined);
  const db = databaseName(databaseUrl);
  const createdDatabase = opts.createDatabase === false ? false : await ensureDatabase(databaseUrl);
  if (createdDatabase) log(`Created database "${db}".`);

  const migrationsList = await readMigrations(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const available = migrationNames(migrationsList);
  const lock = await acquireMigrationLock(databaseUrl, () => log(`Another migration run holds the lock on "${db}"; waiting for it.`));
  try {
    const { appliedMigrationNames } = await withSchemaEngine(databaseUrl, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    ).catch(async (err: Error): Promise<never> => {
      // The engine's own message names the SQL error; the migrations table names what is stuck.
      const [failed] = await failedMigrations(databaseUrl).catch(() => []);
      throw failed ? new MigrationFailedError(failed, err) : err;
    });
    if (appliedMigrationNames.length === 0) {
      log(`Database "${db}" is up to date (${available.length} migration(s) in the folder); nothing applied.`);
    } else {
      for (const name of appliedMigrationNames) log(`Applied migration ${name}`);
      log(`Applied ${appliedMigrationNames.length} migration(s) to "${db}".`);
    }
    return { applied: appliedMigrationNames, available, createdDatabase };
  } finally {
    await lock.release();
  }
}
