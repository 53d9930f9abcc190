import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { databaseName, ensureDatabase } from '../database-url.js';
import { withSchemaEngine } from '../engine/engine-session.js';
import { applyMigrations } from './deploy.js';
import { LOCKFILE_CONTENT, NO_FILTERS, readMigrations, writeLockfile } from './migrations-dir.js';
import { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from './paths.js';

export interface DiffSchemaOptions {
  migrationsDir?: string;
  schemaPath?: string;
}

export interface CreateMigrationOptions extends DiffSchemaOptions {
  /** Migration name, e.g. "add_drift_monitors"; normalized to lower_snake_case. */
  name: string;
  log?: (line: string) => void;
  /** Apply pending migrations (and the new one) to the database. Default true. */
  apply?: boolean;
  /** Clock for the folder timestamp (tests). */
  now?: Date;
}

export interface CreateMigrationResult {
  /** Folder name of the written migration, or null when the schema matched the migrations. */
  migration: string | null;
  /** Absolute path of the written migration.sql, or null. */
  file: string | null;
  /** Migrations applied to the database by this call (pending ones, then the new one). */
  applied: string[];
}

/** "Add drift monitors!" -> "add_drift_monitors"; throws when nothing usable is left. */
export function normalizeMigrationName(name: string): string {
  const normalized = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);
  if (!normalized) throw new Error(`Invalid migration name ${JSON.stringify(name)}: use letters, digits, "_"`);
  return normalized;
}

/** YYYYMMDDHHMMSS in UTC, the prefix `prisma migrate dev` gives migration folders. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * SQL that takes a database built from the migrations folder to schema.prisma, or null if there is
 * none. The engine replays the folder on a throw-away shadow database on the server of
 * `databaseUrl` (created and dropped by EngineAdapterFactory); that database must exist.
 */
export async function diffSchemaAgainstMigrations(databaseUrl: string, opts: DiffSchemaOptions = {}): Promise<string | null> {
  const migrationsList = await readMigrations(resolve(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR));
  // The engine reads the provider from migration_lock.toml; before the first migration there is
  // none yet. Supply it in memory so that a "no difference" run writes nothing.
  migrationsList.lockfile.content ??= LOCKFILE_CONTENT;
  const schemaPath = resolve(opts.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const schema = await readFile(schemaPath, 'utf8');
  const diff = await withSchemaEngine(databaseUrl, (engine) =>
    engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true, // 2 = non-empty diff
      filters: NO_FILTERS,
    }),
  );
  return diff.exitCode === 2 && diff.stdout?.trim() ? diff.stdout : null;
}

/**
 * `prisma migrate dev --name <name>` without the native engine: diffs the migrations folder against
 * schema.prisma with the WebAssembly engine and, when they differ, writes
 * <migrationsDir>/<timestamp>_<name>/migration.sql (+ migration_lock.toml) and applies it.
 */
export async function createMigration(databaseUrl: string, opts: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const log = opts.log ?? (() => undefined);
  const name = normalizeMigrationName(opts.name);
  const migrationsDir = resolve(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const schemaPath = resolve(opts.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const apply = opts.apply ?? true;
  const applied: string[] = [];

  // Like `migrate dev`: bring the database up to the folder first. The engine connects to the
  // database even for a diff that only uses the shadow database, so it must exist either way.
  if (apply) applied.push(...(await applyMigrations(databaseUrl, { log, migrationsDir })).applied);
  else if (await ensureDatabase(databaseUrl)) log(`Created database "${databaseName(databaseUrl)}".`);

  const script = await diffSchemaAgainstMigrations(databaseUrl, { migrationsDir, schemaPath });
  if (script === null) {
    log(`No difference between ${relative(process.cwd(), schemaPath)} and the migrations; nothing written.`);
    return { migration: null, file: null, applied };
  }

  const folder = `${migrationTimestamp(opts.now ?? new Date())}_${name}`;
  const dir = join(migrationsDir, folder);
  await mkdir(migrationsDir, { recursive: true });
  await mkdir(dir); // throws if it exists: a migration is never overwritten
  const file = join(dir, 'migration.sql');
  await writeFile(file, script.endsWith('\n') ? script : `${script}\n`, 'utf8');
  await writeLockfile(migrationsDir);
  log(`Wrote ${relative(process.cwd(), file)}`);

  if (apply) applied.push(...(await applyMigrations(databaseUrl, { log, migrationsDir })).applied);
  return { migration: folder, file, applied };
}
