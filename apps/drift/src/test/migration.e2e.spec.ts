import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createPrismaClient, DEFAULT_MIGRATIONS_DIR } from '@modelyard/db';
import { createTestDatabase, type TestDatabase } from '@modelyard/db/testing';

// The drift migration that turns text columns into enums and adds the foreign keys: it must keep
// every existing value, drop only rows no monitor owns, and leave the database cascading.
const MIGRATION = '20261201033137_drift_enums_relations';

const MONITOR = '11111111-1111-4111-8111-111111111111';
const GONE = '22222222-2222-4222-8222-222222222222';
const REPORT = '33333333-3333-4333-8333-333333333333';
const ORPHAN_REPORT = '44444444-4444-4444-8444-444444444444';
const MISSING_REPORT = '55555555-5555-4555-8555-555555555555';

/** Rows as the service wrote them before the migration, plus rows a hand-deleted monitor left behind. */
const BEFORE = [
  `INSERT INTO drift_monitors (id, name, model, features, "windowSize", "everySeconds", "minSeverity",
     "cooldownSeconds", "retrainMinSeverity", "retrainCooldownSeconds", "alertRules", "createdBy", "updatedAt")
   VALUES ('${MONITOR}', 'main', 'churn', '[]', 100, 60, 'low', 60, 'critical', 60, '[]', 'test', now())`,
  `INSERT INTO drift_references ("monitorId", "column", kind, rows, counts)
   VALUES ('${MONITOR}', 'plan', 'categorical', 3, '[["a", 3]]')`,
  `INSERT INTO drift_references ("monitorId", "column", kind, rows)
   VALUES ('${MONITOR}', 'age', 'numeric', 0), ('${GONE}', 'age', 'numeric', 0)`,
  `INSERT INTO drift_reports (id, "monitorId", trigger, "windowSeq", "referenceVersion", "windowRecords",
     "referenceRows", severity, "driftedShare", body, "durationMs")
   VALUES ('${REPORT}', '${MONITOR}', 'manual', 10, 1, 10, 3, 'none', 0, '{}', 1),
          ('${ORPHAN_REPORT}', '${GONE}', 'schedule', 10, 1, 10, 3, 'critical', 1, '{}', 1)`,
  `INSERT INTO drift_alerts (id, "monitorId", model, kind, key, severity, message, "reportId", status)
   VALUES (gen_random_uuid(), '${MONITOR}', 'churn', 'drift', 'drift', 'critical', 'kept', '${REPORT}', 'acknowledged'),
          (gen_random_uuid(), '${MONITOR}', 'churn', 'rule', 'rule:x', 'low', 'dangling', '${MISSING_REPORT}', 'active'),
          (gen_random_uuid(), '${GONE}', 'churn', 'drift', 'drift', 'high', 'orphan', '${ORPHAN_REPORT}', 'active')`,
];
const DEFAULT_STATUS = `INSERT INTO drift_alerts (id, "monitorId", model, kind, key, severity, message)
  VALUES (gen_random_uuid(), '${MONITOR}', 'churn', 'rule', 'k', 'low', 'default')`;

describe('drift enums and relations migration', () => {
  let db: TestDatabase;
  let migrations: string;

  beforeAll(async () => {
    // The migrations up to (not including) this one, as a database was before it.
    migrations = await mkdtemp(join(tmpdir(), 'drift-migration-'));
    await cp(DEFAULT_MIGRATIONS_DIR, migrations, { recursive: true });
    const later = (await readdir(migrations)).filter((name) => name >= MIGRATION && name !== 'migration_lock.toml');
    for (const name of later) await rm(join(migrations, name), { recursive: true });
    db = await createTestDatabase({ migrationsDir: migrations });
  });

  afterAll(async () => {
    await db?.drop();
    await rm(migrations, { recursive: true, force: true });
  });

  it('converts the values, drops orphans, unlinks dangling reports and cascades afterwards', async () => {
    const prisma = createPrismaClient(db.url);
    try {
      for (const sql of BEFORE) await prisma.$executeRawUnsafe(sql);
      expect((await applyMigrations(db.url)).applied).toContain(MIGRATION);

      const types = await prisma.$queryRawUnsafe<{ column: string; type: string }[]>(
        `SELECT table_name || '.' || column_name AS column, udt_name AS type FROM information_schema.columns
         WHERE table_name LIKE 'drift\\_%' AND data_type = 'USER-DEFINED' ORDER BY 1`,
      );
      expect(types).toEqual([
        { column: 'drift_alerts.kind', type: 'DriftAlertKind' },
        { column: 'drift_alerts.severity', type: 'DriftAlertSeverity' },
        { column: 'drift_alerts.status', type: 'DriftAlertStatus' },
        { column: 'drift_monitors.minSeverity', type: 'DriftAlertSeverity' },
        { column: 'drift_monitors.onInvalid', type: 'DriftOnInvalid' },
        { column: 'drift_monitors.retrainMinSeverity', type: 'DriftAlertSeverity' },
        { column: 'drift_monitors.status', type: 'DriftMonitorStatus' },
        { column: 'drift_references.kind', type: 'DriftColumnKind' },
        { column: 'drift_reports.severity', type: 'DriftSeverity' },
        { column: 'drift_reports.trigger', type: 'DriftCheckTrigger' },
      ]);

      // Values kept, through the generated client (which now reads them as enums).
      // Later migrations too: existing monitors count type violations, references have no missing values.
      const monitors = await prisma.driftMonitor.findMany({
        select: { id: true, minSeverity: true, retrainMinSeverity: true, onInvalid: true },
      });
      expect(monitors).toEqual([{ id: MONITOR, minSeverity: 'low', retrainMinSeverity: 'critical', onInvalid: 'count' }]);
      const references = await prisma.driftReference.findMany({
        select: { monitorId: true, column: true, kind: true, missing: true },
        orderBy: { column: 'asc' },
      });
      expect(references).toEqual([
        { monitorId: MONITOR, column: 'age', kind: 'numeric', missing: 0 },
        { monitorId: MONITOR, column: 'plan', kind: 'categorical', missing: 0 },
      ]);
      const reports = await prisma.driftReport.findMany({ select: { id: true, trigger: true, severity: true } });
      expect(reports).toEqual([{ id: REPORT, trigger: 'manual', severity: 'none' }]);
      const alerts = await prisma.driftAlert.findMany({
        select: { message: true, kind: true, severity: true, status: true, reportId: true },
        orderBy: { message: 'asc' },
      });
      expect(alerts).toEqual([
        { message: 'dangling', kind: 'rule', severity: 'low', status: 'active', reportId: null },
        { message: 'kept', kind: 'drift', severity: 'critical', status: 'acknowledged', reportId: REPORT },
      ]);

      // The status default survived the retyping; deleting the monitor now takes everything with it.
      await prisma.$executeRawUnsafe(DEFAULT_STATUS);
      expect((await prisma.driftAlert.findFirst({ where: { message: 'default' } }))?.status).toBe('active');
      await prisma.driftMonitor.delete({ where: { id: MONITOR } });
      const left = await Promise.all([prisma.driftReference.count(), prisma.driftReport.count(), prisma.driftAlert.count()]);
      expect(left).toEqual([0, 0, 0]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
