import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { databaseName } from '../database-url.js';
import { dropDatabase, query, scratchDatabaseUrl, tempDir } from '../test-support/scratch.js';
import { applyMigrations } from './deploy.js';
import { DEFAULT_MIGRATIONS_DIR } from './paths.js';

const created: string[] = [];
function freshUrl(): string {
  const url = scratchDatabaseUrl();
  created.push(url);
  return url;
}
afterAll(async () => {
  await Promise.all(created.map(dropDatabase));
});

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}
const migrationRows = (url: string) =>
  query<MigrationRow>(
    url,
    'SELECT migration_name, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
  );

describe('applyMigrations (deploy)', () => {
  it('creates the database, applies the repository migrations and records them; a re-run applies nothing', async () => {
    const folders = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders.some((f) => /^\d{14}_init$/.test(f))).toBe(true);

    const url = freshUrl();
    const lines: string[] = [];
    const first = await applyMigrations(url, { log: (l) => lines.push(l) });
    expect(first.createdDatabase).toBe(true);
    expect(first.applied).toEqual(folders);
    expect(first.available).toEqual(folders);
    expect(lines).toContain(`Created database "${databaseName(url)}".`);
    expect(lines).toContain(`Applied migration ${folders[0]}`);

    const rows = await migrationRows(url);
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    expect(rows.every((r) => r.finished_at instanceof Date && r.rolled_back_at === null)).toBe(true);
    expect(rows[0]?.applied_steps_count).toBe(1);
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['platform_api_keys', 'registry_models', 'registry_model_versions']),
    );

    const second = await applyMigrations(url);
    expect(second).toEqual({ applied: [], available: folders, createdDatabase: false });
    expect(await migrationRows(url)).toHaveLength(rows.length);
  });

  it('applies each migration once when several deploys race on the same database', async () => {
    const url = freshUrl();
    const results = await Promise.all([1, 2, 3, 4].map(() => applyMigrations(url)));
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = results[0]!.available.length;
    expect(appliedCounts).toEqual([0, 0, 0, total]);
    expect(results.filter((r) => r.createdDatabase)).toHaveLength(1);
    expect(await migrationRows(url)).toHaveLength(total);
  });

  it('runs a migration as one script: ";" inside literals survives and a failure leaves nothing behind', async () => {
    const dir = await tempDir();
    try {
      const good = join(dir.path, '20260101000000_notes');
      await mkdir(good);
      await writeFile(
        join(good, 'migration.sql'),
        `CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL);\n` +
          `INSERT INTO "notes" VALUES (1, 'semi; colon');\n` +
          `COMMENT ON TABLE "notes" IS 'a; b';\n`,
      );
      const url = freshUrl();
      expect((await applyMigrations(url, { migrationsDir: dir.path })).applied).toEqual(['20260101000000_notes']);
      expect(await query(url, 'SELECT body FROM notes')).toEqual([{ body: 'semi; colon' }]);

      const bad = join(dir.path, '20260102000000_broken');
      await mkdir(bad);
      await writeFile(join(bad, 'migration.sql'), `CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n`);
      await expect(applyMigrations(url, { migrationsDir: dir.path })).rejects.toThrow(/no_such_table/);
      const halfDone = await query(url, "SELECT to_regclass('public.half_done') AS t");
      expect(halfDone).toEqual([{ t: null }]);
      const failed = await migrationRows(url);
      expect(failed.map((r) => [r.migration_name, r.finished_at === null])).toEqual([
        ['20260101000000_notes', false],
        ['20260102000000_broken', true],
      ]);
    } finally {
      await dir.remove();
    }
  });
});
