import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createPrismaClient, DEFAULT_MIGRATIONS_DIR, type PrismaClient } from '@modelyard/db';
import { createTestDatabase, type TestDatabase } from '@modelyard/db/testing';
import { toExperiment, toExperimentResponse } from '../experiments/experiments.mapper.js';

// The experiments migration that moves variants, guardrails and the primary metric out of JSON
// documents into rows and enum columns, and adds the foreign keys: it must keep every value (and
// the order of the lists), drop only rows no experiment owns, and leave the database cascading.
const MIGRATION = '20261201050000_experiments_enums_relations';

const RANKED = '11111111-1111-4111-8111-111111111111';
const PLAIN = '22222222-2222-4222-8222-222222222222';
const GONE = '33333333-3333-4333-8333-333333333333';

// Not in key order, with weights and limits that must come back to the last bit.
const VARIANTS = [
  { key: 'treatment', version: '1.0.1', weight: 0.1 },
  { key: 'control', version: '1.0.0', weight: 0.7 },
  { key: 'b', version: '1.0.2', weight: 1e-7 },
];
const GUARDRAILS = [
  { name: 'latency_ms', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.05 },
  { name: 'errors', kind: 'binomial', direction: 'lower', maxRelativeDegradation: 0.3 },
];
const PRIMARY = { name: 'revenue', kind: 'continuous', direction: 'higher' };
const CONCLUSION = {
  winner: null,
  recommendation: { action: 'keep_running', variant: null, reason: 'no significant difference yet' },
  promoted: false,
  promotionError: null,
  concludedBy: 'alice',
  concludedAt: '2026-11-30T00:00:00.000Z',
  reason: 'enough',
};

const experimentSql = (id: string, key: string, variants: unknown, primary: unknown, guardrails?: unknown) => {
  // Without guardrails, the column's default ('[]').
  const [column, value] = guardrails === undefined ? ['', ''] : ['guardrails,', `'${JSON.stringify(guardrails)}',`];
  return `INSERT INTO experiments_experiments (id, key, model, status, variants, control, coverage, seed,
     "primaryMetric", ${column} sequential, alpha, "autoPromote", "createdBy", "updatedAt", conclusion)
   VALUES ('${id}', '${key}', 'ranker', 'concluded', '${JSON.stringify(variants)}', 'control', 0.5, '${key}',
     '${JSON.stringify(primary)}', ${value} true, 0.05, false, 'bob', now(), '${JSON.stringify(CONCLUSION)}')`;
};

/** Rows as the service wrote them before the migration, plus rows of an experiment deleted by hand. */
const BEFORE = [
  experimentSql(RANKED, 'ranked', VARIANTS, PRIMARY, GUARDRAILS),
  experimentSql(PLAIN, 'plain', VARIANTS.slice(0, 2), { name: 'ctr', kind: 'binomial', direction: 'higher' }),
  `INSERT INTO experiments_assignments ("experimentId", unit, variant)
   VALUES ('${RANKED}', 'u1', 'treatment'), ('${RANKED}', 'u2', 'b'),
          ('${PLAIN}', 'u1', 'control'), ('${GONE}', 'u1', 'x')`,
  `INSERT INTO experiments_stats ("experimentId", variant, metric, value, "updatedAt")
   VALUES ('${RANKED}', 'treatment', '', 2, now()), ('${RANKED}', 'treatment', 'revenue|s', 9.5, now()),
          ('${PLAIN}', 'control', '', 1, now()), ('${GONE}', 'x', '', 5, now())`,
];

/** A folder with the migrations before this one: a database as it was before it. */
async function migrationsBefore(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'experiments-migration-'));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  const later = (await readdir(dir)).filter((name) => name >= MIGRATION && name !== 'migration_lock.toml');
  for (const name of later) await rm(join(dir, name), { recursive: true });
  return dir;
}

async function withDatabase(migrations: string, work: (db: TestDatabase, prisma: PrismaClient) => Promise<void>) {
  const db = await createTestDatabase({ migrationsDir: migrations });
  const prisma = createPrismaClient(db.url);
  try {
    await work(db, prisma);
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

describe('experiments enums and relations migration', () => {
  let migrations: string;
  beforeAll(async () => {
    migrations = await migrationsBefore();
  });
  afterAll(() => rm(migrations, { recursive: true, force: true }));

  it('moves the documents into rows and enums in order, drops orphans, and cascades afterwards', async () => {
    await withDatabase(migrations, async (db, prisma) => {
      for (const sql of BEFORE) await prisma.$executeRawUnsafe(sql);
      expect((await applyMigrations(db.url)).applied).toContain(MIGRATION);

      const types = await prisma.$queryRawUnsafe<{ column: string; type: string }[]>(
        `SELECT table_name || '.' || column_name AS column, udt_name AS type FROM information_schema.columns
         WHERE table_name LIKE 'experiments\\_%' AND data_type IN ('USER-DEFINED', 'jsonb') ORDER BY 1`,
      );
      expect(types).toEqual([
        // Added by the later audit_everywhere migration.
        { column: 'experiments_audit_events.after', type: 'jsonb' },
        { column: 'experiments_audit_events.before', type: 'jsonb' },
        // Added by the later experiments_bandits migration.
        { column: 'experiments_experiments.bandit', type: 'jsonb' },
        { column: 'experiments_experiments.conclusion', type: 'jsonb' },
        { column: 'experiments_experiments.primaryMetricDirection', type: 'ExperimentMetricDirection' },
        { column: 'experiments_experiments.primaryMetricKind', type: 'ExperimentMetricKind' },
        { column: 'experiments_experiments.status', type: 'ExperimentStatus' },
        { column: 'experiments_experiments.type', type: 'ExperimentType' },
        { column: 'experiments_experiments.weightPeriods', type: 'jsonb' },
        { column: 'experiments_guardrails.direction', type: 'ExperimentMetricDirection' },
        { column: 'experiments_guardrails.kind', type: 'ExperimentMetricKind' },
      ]);

      // Read back as the service reads them: every document as it was, lists in their order.
      const parts = {
        variants: { orderBy: { position: 'asc' } },
        guardrails: { orderBy: { position: 'asc' } },
      } as const;
      const read = async (key: string) =>
        toExperimentResponse(toExperiment(await prisma.experiment.findUniqueOrThrow({ where: { key }, include: parts })));
      expect(await read('ranked')).toMatchObject({
        variants: VARIANTS,
        primaryMetric: PRIMARY,
        guardrails: GUARDRAILS,
        conclusion: CONCLUSION,
      });
      expect(await read('plain')).toMatchObject({ variants: VARIANTS.slice(0, 2), guardrails: [] });
      expect((await read('plain')).primaryMetric).toEqual({ name: 'ctr', kind: 'binomial', direction: 'higher' });

      // The orphans are gone; the others kept.
      expect(await prisma.experimentAssignment.count({ where: { experimentId: GONE } })).toBe(0);
      expect(await prisma.experimentStat.count({ where: { experimentId: GONE } })).toBe(0);
      expect(await prisma.experimentAssignment.count()).toBe(3);
      expect(await prisma.experimentStat.count()).toBe(3);

      // Deleting an experiment now takes everything of it along, and nothing of the others.
      await prisma.experiment.delete({ where: { id: RANKED } });
      const left = async (experimentId: string) =>
        Promise.all([
          prisma.experimentVariant.count({ where: { experimentId } }),
          prisma.experimentGuardrail.count({ where: { experimentId } }),
          prisma.experimentAssignment.count({ where: { experimentId } }),
          prisma.experimentStat.count({ where: { experimentId } }),
        ]);
      expect(await left(RANKED)).toEqual([0, 0, 0, 0]);
      expect(await left(PLAIN)).toEqual([2, 0, 1, 1]);
    });
  });

  it('stops on a document changed by hand, changing nothing', async () => {
    await withDatabase(migrations, async (db, prisma) => {
      const hand = [{ name: 'latency_ms', kind: 'ratio', direction: 'lower', maxRelativeDegradation: 0.05 }];
      await prisma.$executeRawUnsafe(experimentSql(RANKED, 'hand-edited', VARIANTS, PRIMARY, hand));
      // The cast of 'ratio' fails (the engine's message does not carry Postgres's, only the migration).
      await expect(applyMigrations(db.url)).rejects.toThrow(MIGRATION);
      const columns = await prisma.$queryRawUnsafe<{ column_name: string }[]>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_name = 'experiments_experiments' AND column_name IN ('variants', 'guardrails', 'primaryMetric')
         ORDER BY 1`,
      );
      expect(columns.map((c) => c.column_name)).toEqual(['guardrails', 'primaryMetric', 'variants']);
      const tables = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'experiments_variants'`,
      );
      expect(tables[0]?.n).toBe(0n);
    });
  });
});
