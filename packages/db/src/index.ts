// @modelyard/db: the generated Prisma client, a factory for it, and the offline migration tooling
// (WebAssembly schema engine; no native engine download).
export * from './generated/client.js';
export { createPrismaClient, type CreatePrismaClientOptions } from './client.js';
export { applyMigrations, MigrationFailedError, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './migrations/deploy.js';
export { failedMigrations, resolveMigration, type MigrationResolution } from './migrations/resolve.js';
export { pendingMigrations, waitForSchema, type WaitForSchemaOptions } from './migrations/pending.js';
export {
  createMigration,
  diffSchemaAgainstMigrations,
  migrationTimestamp,
  normalizeMigrationName,
  type CreateMigrationOptions,
  type CreateMigrationResult,
  type DiffSchemaOptions,
} from './migrations/migrate.js';
export { migrationNames, migrationsDigest, readMigrations } from './migrations/migrations-dir.js';
export { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from './migrations/paths.js';
export { databaseName, ensureDatabase, redactUrl, withDatabase } from './database-url.js';
