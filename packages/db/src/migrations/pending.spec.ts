import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropDatabase, query, scratchDatabaseUrl, tempDir } from '../test-support/scratch.js';
import { applyMigrations } from './deploy.js';
import { pendingMigrations, waitForSchema } from './pending.js';

const created: string[] = [];
const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
const NAMES = ['20260101000000_notes', '20260102000000_tags'];

/** A migrations folder of its own for each test: one table per migration. */
async function migrations(names: readonly string[] = NAMES): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  for (const [i, name] of names.entries()) await addMigration(dir.path, name, `CREATE TABLE "t${i}" ("id" INTEGER PRIMARY KEY);\n`);
  return dir.path;
}
async function addMigration(dir: string, name: string, sql: string) {
  await mkdir(join(dir, name));
  await writeFile(join(dir, name, 'migration.sql'), sql);
}
afterAll(async () => {
  await Promise.all(created.map(dropDatabase));
  await Promise.all(dirs.map((d) => d.remove()));
});
function freshUrl(): string {
  const url = scratchDatabaseUrl();
  created.push(url);
  return url;
}

describe('pendingMigrations', () => {
  it('lists every migration for a database that does not exist yet, none once applied, and what a newer build adds', async () => {
    const url = freshUrl();
    const dir = await migrations();
    expect(await pendingMigrations(url, dir)).toEqual(NAMES);
    await applyMigrations(url, { migrationsDir: dir });
    expect(await pendingMigrations(url, dir)).toEqual([]);
    // A newer image ships one more migration the Job has not applied yet.
    await addMigration(dir, '20260103000000_more', 'CREATE TABLE "t2" ("id" INTEGER);\n');
    expect(await pendingMigrations(url, dir)).toEqual(['20260103000000_more']);
    // A migration that started but failed (no finished_at) is still pending.
    await query(url, `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1`, [NAMES[1]]);
    expect(await pendingMigrations(url, dir)).toEqual([NAMES[1], '20260103000000_more']);
  });
});

describe('waitForSchema', () => {
  it('returns once the migration Job has applied everything, logging what it waits for once per state', async () => {
    const url = freshUrl();
    const dir = await migrations();
    const lines: string[] = [];
    const waiting = waitForSchema(url, { migrationsDir: dir, timeoutMs: 20_000, pollMs: 50, log: (l) => lines.push(l) });
    await new Promise((r) => setTimeout(r, 300));
    await applyMigrations(url, { migrationsDir: dir });
    const waited = await waiting;
    expect(waited).toBeGreaterThanOrEqual(250);
    // The Job applies one migration at a time, so a poll may also see the state in between; each state is logged once.
    expect(lines[0]).toBe(`Waiting for the schema: 2 migration(s) pending, first ${NAMES[0]}`);
    expect(lines.slice(1)).toEqual(lines.length > 1 ? [`Waiting for the schema: 1 migration(s) pending, first ${NAMES[1]}`] : []);
  });

  it('gives up after its timeout, naming the first pending migration', async () => {
    const url = freshUrl();
    await expect(waitForSchema(url, { migrationsDir: await migrations(), timeoutMs: 300, pollMs: 100 })).rejects.toThrow(
      `The schema is not up to date after 300 ms: 2 migration(s) pending, first ${NAMES[0]}`,
    );
  });

  it('waits through an unreachable database instead of failing at once', async () => {
    const lines: string[] = [];
    await expect(
      waitForSchema('postgresql://postgres@127.0.0.1:9/none', {
        migrationsDir: await migrations(),
        timeoutMs: 400,
        pollMs: 100,
        log: (l) => lines.push(l),
      }),
    ).rejects.toThrow(/not up to date after 400 ms: database not reachable/);
    expect(lines).toHaveLength(1);
  });
});
