import pg from 'pg';
import { pgErrorCode } from '../database-url.js';
import { migrationNames, readMigrations } from './migrations-dir.js';
import { DEFAULT_MIGRATIONS_DIR } from './paths.js';

const UNDEFINED_TABLE = '42P01';
const INVALID_CATALOG = '3D000';

/**
 * The migrations of a folder (by default the ones shipped with this build) that the database has
 * not finished applying, in order. A database or migrations table that does not exist yet has
 * every migration pending.
 */
export async function pendingMigrations(databaseUrl: string, migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const wanted = migrationNames(await readMigrations(migrationsDir));
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'modelyard-wait-for-schema' });
  try {
    await client.connect();
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return wanted.filter((name) => !applied.has(name));
  } catch (err) {
    const code = pgErrorCode(err);
    if (code === UNDEFINED_TABLE || code === INVALID_CATALOG) return wanted;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface WaitForSchemaOptions {
  migrationsDir?: string;
  /** Give up after this long (ms). */
  timeoutMs: number;
  pollMs: number;
  log?: (line: string) => void;
}

/**
 * Waits until the database holds every migration this build ships (a pod's init container runs
 * this, so a new version never starts on an old schema). Connection errors are retried like a
 * pending migration: the database may be starting too. Resolves with the time waited; rejects
 * after `timeoutMs`, naming what is still pending.
 */
export async function waitForSchema(databaseUrl: string, opts: WaitForSchemaOptions): Promise<number> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  let last = '';
  for (;;) {
    const state = await pendingMigrations(databaseUrl, opts.migrationsDir).then(
      (pending) => (pending.length ? `${pending.length} migration(s) pending, first ${pending[0]}` : null),
      (err: Error) => `database not reachable (${err.message})`,
    );
    if (state === null) return Date.now() - started;
    if (state !== last) log(`Waiting for the schema: ${state}`);
    last = state;
    if (Date.now() - started + opts.pollMs > opts.timeoutMs)
      throw new Error(`The schema is not up to date after ${opts.timeoutMs} ms: ${state}`);
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
