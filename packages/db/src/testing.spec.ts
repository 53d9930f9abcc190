import { createPrismaClient, ModelStage, Prisma } from './index.js';
import { databaseExists, query, serverUrl } from './test-support/scratch.js';
import { migrationsDigest, readMigrations } from './migrations/migrations-dir.js';
import { DEFAULT_MIGRATIONS_DIR } from './migrations/paths.js';
import { createTestDatabase, isStaleTestDatabase, STALE_TEST_DATABASE_SECONDS, testDatabaseName, type TestDatabase } from './testing.js';

describe('createTestDatabase', () => {
  const databases: TestDatabase[] = [];
  async function fresh(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  }
  afterAll(() => Promise.all(databases.map((db) => db.drop())));

  // Before any createTestDatabase of this process: the sweep runs once, on the first one.
  const hour = 3600_000;
  const leftover = testDatabaseName(Date.now() - STALE_TEST_DATABASE_SECONDS * 1000 - hour);
  const recent = testDatabaseName(Date.now() - hour);
  beforeAll(async () => {
    for (const name of [leftover, recent]) await query(serverUrl, `CREATE DATABASE "${name}"`);
  });
  afterAll(() => query(serverUrl, `DROP DATABASE IF EXISTS "${recent}" WITH (FORCE)`));

  it('drops test databases older than the stale age on its first call, and only those', async () => {
    await fresh();
    expect(await databaseExists(leftover)).toBe(false);
    expect(await databaseExists(recent)).toBe(true);
    expect(isStaleTestDatabase('modelyard_tpl_abc')).toBe(false);
    expect(isStaleTestDatabase('modelyard_t_1_0123456789ab')).toBe(true);
  });

  it('gives a migrated database copied from a complete, connection-locked template', async () => {
    const db = await fresh();
    expect(db.name).toMatch(/^modelyard_t_\d{10}_[0-9a-f]{12}$/);
    expect(new URL(db.url).pathname).toBe(`/${db.name}`);
    expect(new URL(db.url).host).toBe(new URL(serverUrl).host);

    const [registry] = await query<{ t: string | null }>(db.url, "SELECT to_regclass('public.registry_models')::text AS t");
    expect(registry?.t).toBe('registry_models');
    const list = await readMigrations(DEFAULT_MIGRATIONS_DIR);
    const applied = await query<{ migration_name: string }>(
      db.url,
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
    );
    expect(applied.map((r) => r.migration_name)).toEqual(list.migrationDirectories.map((d) => d.path));

    const template = await query<{ datallowconn: boolean }>(serverUrl, 'SELECT datallowconn FROM pg_database WHERE datname = $1', [
      `modelyard_tpl_${migrationsDigest(list)}`,
    ]);
    expect(template).toEqual([{ datallowconn: false }]);
  });

  it('enforces one production version per model in the database', async () => {
    const db = await fresh();
    const prisma = createPrismaClient(db.url);
    try {
      const model = await prisma.registeredModel.create({ data: { name: 'churn', owner: 'alice' } });
      const version = (v: string, productionSlot: boolean | null) => ({
        modelId: model.id,
        version: v,
        major: Number(v.split('.')[0]),
        minor: 0,
        patch: 0,
        stage: productionSlot ? ModelStage.production : ModelStage.staging,
        productionSlot,
        createdBy: 'alice',
      });
      await prisma.modelVersion.create({ data: version('1.0.0', true) });
      const second = prisma.modelVersion.create({ data: version('2.0.0', true) });
      await expect(second).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
      await expect(second).rejects.toMatchObject({ code: 'P2002' });
      // NULL slots never collide: any number of non-production versions is fine.
      await prisma.modelVersion.create({ data: version('3.0.0', null) });
      await prisma.modelVersion.create({ data: version('4.0.0', null) });
      const rows = await prisma.modelVersion.findMany({ where: { modelId: model.id }, orderBy: { major: 'asc' } });
      expect(rows.map((r) => [r.version, r.productionSlot])).toEqual([
        ['1.0.0', true],
        ['3.0.0', null],
        ['4.0.0', null],
      ]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('creates databases in parallel and drops them', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
      for (const db of [a, b]) {
        const rows = await query<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM registry_models');
        expect(rows).toEqual([{ n: '0' }]);
      }
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
    expect(await databaseExists(a.name)).toBe(false);
    expect(await databaseExists(b.name)).toBe(false);
    await a.drop(); // idempotent
  });
});
