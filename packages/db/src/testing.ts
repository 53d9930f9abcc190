// @modelyard/db/testing: one migrated database per test file, so test files can run in parallel.
//
// Migrating a fresh database per file would cost the schema engine's work every time; instead a
// template database with all migrations applied is built once per migrations history, and each
// test database is a CREATE DATABASE ... TEMPLATE copy of it (a file-level copy, tens of ms).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseName, pgErrorCode, quoteIdent, withDatabase } from './database-url.js';
import { applyMigrations } from './migrations/deploy.js';
import { migrationsDigest, readMigrations } from './migrations/migrations-dir.js';
import { DEFAULT_MIGRATIONS_DIR } from './migrations/paths.js';

/** Postgres server for tests: any database on it works, it is only used to create and drop others. */
export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection URL of the new, migrated database. */
  url: string;
  /** Its name (modelyard_t_<creation unix seconds>_<random>). */
  name: string;
  /** Drops the database, closing any connection still open on it. Idempotent. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Server to use; default TEST_DATABASE_URL, else DEFAULT_TEST_SERVER_URL. */
  serverUrl?: string;
  /** Migrations to apply; default the repository's prisma/migrations. */
  migrationsDir?: string;
}

const OBJECT_IN_USE = '55006'; // "source database ... is being accessed by other users"
const BUSY_RETRY_MS = 5_000;

/** A new database with every migration applied, copied from the (lazily built) template. */
export async function createTestDatabase(opts: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  // Test-only helper, so it reads its one setting itself rather than through a service config.
  const serverUrl = opts.serverUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const template = await ensureTemplate(serverUrl, opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const name = testDatabaseName();
  await withAdmin(serverUrl, async (admin) => {
    await (swept ??= sweepStaleTestDatabases(admin));
    await retryWhileBusy(() => admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`));
  });
  const url = withDatabase(serverUrl, name);
  let dropped: Promise<void> | undefined;
  return { url, name, drop: () => (dropped ??= dropTestDatabase(url, serverUrl)) };
}

/** A test run that lived this long has crashed or been killed: its databases are leftovers. */
export const STALE_TEST_DATABASE_SECONDS = 6 * 3600;
const TEST_DB_NAME = /^modelyard_t_(\d+)_[0-9a-f]{12}$/;
let swept: Promise<void> | undefined;

export function testDatabaseName(now = Date.now()): string {
  return `modelyard_t_${Math.floor(now / 1000)}_${randomBytes(6).toString('hex')}`;
}

/** Whether a database name is a test database created more than STALE_TEST_DATABASE_SECONDS before `now`. */
export function isStaleTestDatabase(name: string, now = Date.now()): boolean {
  const created = TEST_DB_NAME.exec(name)?.[1];
  return created !== undefined && Number(created) < now / 1000 - STALE_TEST_DATABASE_SECONDS;
}

/**
 * Drops test databases left behind by runs that never reached their `drop()` (a killed Jest, a
 * crashed machine); once per process, so a long-lived development server does not fill up.
 */
async function sweepStaleTestDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'modelyard\\_t\\_%'");
  for (const { datname } of rows.filter((r) => isStaleTestDatabase(r.datname))) {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`).catch(() => undefined);
  }
}

/** Drops a test database by its URL, closing any connection still open on it. Idempotent. */
export async function dropTestDatabase(url: string, serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL): Promise<void> {
  await withAdmin(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  });
}

/**
 * Name of the template for the current migrations, building it if missing. A template only ever
 * appears under its final name once complete (built as <name>_build, then renamed), so "exists"
 * means "usable"; builders serialize on an advisory lock so parallel workers build it once.
 */
export async function ensureTemplate(serverUrl: string, migrationsDir: string): Promise<string> {
  const template = `modelyard_tpl_${migrationsDigest(await readMigrations(migrationsDir))}`;
  return withAdmin(serverUrl, async (admin) => {
    if (await databaseExists(admin, template)) return template;
    await admin.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [template]);
    try {
      if (await databaseExists(admin, template)) return template; // built while we waited
      const build = `${template}_build`;
      // Leftover of a builder that crashed; we hold the lock, so nobody else is using it.
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(build)} WITH (FORCE)`);
      await applyMigrations(withDatabase(serverUrl, build), { migrationsDir });
      // The engine's pool has just closed; its backends may need a moment to leave.
      await retryWhileBusy(() => admin.query(`ALTER DATABASE ${quoteIdent(build)} RENAME TO ${quoteIdent(template)}`));
      // Nobody can connect to it any more, so no stray session (a psql left open) can make
      // CREATE DATABASE ... TEMPLATE fail with "being accessed by other users".
      await admin.query(`ALTER DATABASE ${quoteIdent(template)} WITH ALLOW_CONNECTIONS false`);
      return template;
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [template]);
    }
  });
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rowCount === 1;
}

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl, application_name: 'modelyard-test-db' });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

async function retryWhileBusy<T>(op: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      return await op();
    } catch (err) {
      if (pgErrorCode(err) !== OBJECT_IN_USE || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
