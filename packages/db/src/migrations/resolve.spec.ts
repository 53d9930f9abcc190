import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDeployArgs } from '../cli/deploy-args.js';
import { dropDatabase, query, scratchDatabaseUrl, tempDir } from '../test-support/scratch.js';
import { applyMigrations, MigrationFailedError } from './deploy.js';
import { failedMigrations, resolveMigration } from './resolve.js';

const url = scratchDatabaseUrl();
afterAll(() => dropDatabase(url));

async function migration(dir: string, name: string, sql: string) {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

describe('a failed migration', () => {
  it('stops deploys with its name and the way out; --rolled-back, a fix, and the next deploy succeeds', async () => {
    const dir = await tempDir();
    try {
      await migration(dir.path, '20260101000000_notes', 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n');
      await migration(dir.path, '20260102000000_tags', 'ALTER TABLE "notez" ADD COLUMN "tag" TEXT;\n');
      await migration(dir.path, '20260103000000_later', 'CREATE TABLE "later" ("id" INTEGER);\n');

      const failure = await applyMigrations(url, { migrationsDir: dir.path }).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(MigrationFailedError);
      const message = (failure as Error).message;
      expect((failure as MigrationFailedError).migration).toBe('20260102000000_tags');
      expect(message).toContain('notez'); // the database's own error
      expect(message).toContain('Migration 20260102000000_tags failed; no later migration was applied.');
      expect(message).toContain('pnpm db:deploy --rolled-back 20260102000000_tags');
      expect(message).toContain('pnpm db:deploy --applied 20260102000000_tags');
      expect(await failedMigrations(url)).toEqual(['20260102000000_tags']);

      // Until it is resolved, every deploy stops on it, even after the script is fixed.
      await migration(dir.path, '20260102000000_tags', 'ALTER TABLE "notes" ADD COLUMN "tag" TEXT;\n');
      await expect(applyMigrations(url, { migrationsDir: dir.path })).rejects.toThrow(/--rolled-back 20260102000000_tags/);

      const lines: string[] = [];
      await resolveMigration(url, '20260102000000_tags', 'rolled-back', { migrationsDir: dir.path, log: (l) => lines.push(l) });
      expect(lines[0]).toMatch(/^Marked migration 20260102000000_tags as rolled-back/);
      expect(await failedMigrations(url)).toEqual([]);

      const deployed = await applyMigrations(url, { migrationsDir: dir.path });
      expect(deployed.applied).toEqual(['20260102000000_tags', '20260103000000_later']);
      const columns = await query<{ column_name: string }>(
        url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'notes' ORDER BY 1",
      );
      expect(columns.map((c) => c.column_name)).toEqual(['id', 'tag']);
      // The failed attempt stays as an audit trail, marked rolled back.
      const rows = await query<{ migration_name: string; rolled_back: boolean; finished: boolean }>(
        url,
        'SELECT migration_name, rolled_back_at IS NOT NULL AS rolled_back, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY started_at',
      );
      expect(rows.filter((r) => r.migration_name === '20260102000000_tags')).toEqual([
        { migration_name: '20260102000000_tags', rolled_back: true, finished: false },
        { migration_name: '20260102000000_tags', rolled_back: false, finished: true },
      ]);
    } finally {
      await dir.remove();
    }
  });

  it('can instead be marked applied when its changes were made by hand', async () => {
    const other = scratchDatabaseUrl();
    const dir = await tempDir();
    try {
      await migration(dir.path, '20260101000000_broken', 'CREATE TABLE "t" ("id" INTEGER);\nSELECT * FROM "missing";\n');
      await expect(applyMigrations(other, { migrationsDir: dir.path })).rejects.toBeInstanceOf(MigrationFailedError);
      await query(other, 'CREATE TABLE "t" ("id" INTEGER)');
      await resolveMigration(other, '20260101000000_broken', 'applied', { migrationsDir: dir.path });
      expect(await applyMigrations(other, { migrationsDir: dir.path })).toMatchObject({ applied: [] });
      await expect(resolveMigration(other, '20260109000000_unknown', 'applied', { migrationsDir: dir.path })).rejects.toThrow(
        /No migration named 20260109000000_unknown/,
      );
    } finally {
      await dir.remove();
      await dropDatabase(other);
    }
  });
});

describe('deploy arguments', () => {
  it('take --rolled-back or --applied with a name, not both', () => {
    expect(parseDeployArgs([])).toEqual({ migrationsDir: undefined, resolve: null });
    expect(parseDeployArgs(['--rolled-back', '2026_x', '--migrations-dir', 'm'])).toEqual({
      migrationsDir: 'm',
      resolve: { name: '2026_x', as: 'rolled-back' },
    });
    expect(parseDeployArgs(['--applied', '2026_x']).resolve).toEqual({ name: '2026_x', as: 'applied' });
    expect(() => parseDeployArgs(['--applied', 'a', '--rolled-back', 'b'])).toThrow(/not both/);
    expect(() => parseDeployArgs(['--applied', ''])).toThrow(/needs a migration name/);
    expect(() => parseDeployArgs(['--resolve'])).toThrow();
  });
});
