import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropDatabase, query, scratchDatabaseUrl, serverUrl, tempDir } from '../test-support/scratch.js';
import { createMigration, migrationTimestamp, normalizeMigrationName } from './migrate.js';

const SCHEMA = `
datasource db {
  provider = "postgresql"
}

enum Shape {
  round
  square
}

model Widget {
  id    Int    @id @default(autoincrement())
  name  String @unique
  shape Shape  @default(round)

  @@map("widgets")
}
`;

describe('migration names', () => {
  it('normalizes names to lower_snake_case and rejects empty ones', () => {
    expect(normalizeMigrationName('Add drift monitors!')).toBe('add_drift_monitors');
    expect(normalizeMigrationName('  add_x  ')).toBe('add_x');
    expect(() => normalizeMigrationName('!!!')).toThrow(/Invalid migration name/);
  });

  it('prefixes folders with the UTC time as YYYYMMDDHHMMSS', () => {
    expect(migrationTimestamp(new Date('2026-11-23T09:08:07.654Z'))).toBe('20261123090807');
  });
});

describe('createMigration (migrate)', () => {
  const url = scratchDatabaseUrl();
  afterAll(() => dropDatabase(url));

  it('writes and applies a migration when the schema changed, and writes nothing when it did not', async () => {
    const dir = await tempDir();
    try {
      const migrationsDir = join(dir.path, 'migrations');
      const schemaPath = join(dir.path, 'schema.prisma');
      await writeFile(schemaPath, SCHEMA);

      const first = await createMigration(url, {
        name: 'Init',
        migrationsDir,
        schemaPath,
        now: new Date('2026-01-02T03:04:05Z'),
      });
      expect(first.migration).toBe('20260102030405_init');
      expect(first.applied).toEqual(['20260102030405_init']);
      const sql = await readFile(join(migrationsDir, '20260102030405_init', 'migration.sql'), 'utf8');
      expect(sql).toContain(`CREATE TYPE "Shape" AS ENUM ('round', 'square');`);
      expect(sql).toContain('CREATE TABLE "widgets"');
      expect(sql).toContain('CREATE UNIQUE INDEX "widgets_name_key" ON "widgets"("name");');
      expect(await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');
      expect(await query(url, "SELECT to_regclass('public.widgets')::text AS t")).toEqual([{ t: 'widgets' }]);

      // Unchanged schema: nothing written, nothing applied.
      const unchanged = await createMigration(url, { name: 'nothing', migrationsDir, schemaPath });
      expect(unchanged).toEqual({ migration: null, file: null, applied: [] });
      expect((await readdir(migrationsDir)).sort()).toEqual(['20260102030405_init', 'migration_lock.toml']);

      // A new column becomes a second migration on top of the first.
      await writeFile(schemaPath, SCHEMA.replace('shape Shape', 'color String?\n  shape Shape'));
      const second = await createMigration(url, {
        name: 'add color',
        migrationsDir,
        schemaPath,
        now: new Date('2026-01-03T00:00:00Z'),
      });
      expect(second.migration).toBe('20260103000000_add_color');
      expect(second.applied).toEqual(['20260103000000_add_color']);
      expect(await readFile(second.file!, 'utf8')).toContain('ALTER TABLE "widgets" ADD COLUMN');
      const columns = await query<{ column_name: string }>(
        url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'widgets' ORDER BY column_name",
      );
      expect(columns.map((c) => c.column_name)).toEqual(['color', 'id', 'name', 'shape']);

      // The shadow databases the diffs replayed the migrations on are gone.
      const shadows = await query(serverUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma\\_shadow\\_%'");
      expect(shadows).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});
