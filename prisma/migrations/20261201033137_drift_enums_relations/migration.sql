-- Drift: enum-like text columns become enums, and the drift tables get foreign keys to their
-- monitor (ON DELETE CASCADE replaces the service's hand-written cascade) and alerts to their report.
-- Written by hand: the generated script dropped and re-added each retyped column, losing its data.
-- Postgres runs a migration script in one transaction, so a failure below changes nothing.

-- CreateEnum
CREATE TYPE "DriftSeverity" AS ENUM ('none', 'low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "DriftAlertSeverity" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "DriftColumnKind" AS ENUM ('numeric', 'categorical');

-- CreateEnum
CREATE TYPE "DriftCheckTrigger" AS ENUM ('schedule', 'manual');

-- CreateEnum
CREATE TYPE "DriftAlertKind" AS ENUM ('drift', 'rule');

-- CreateEnum
CREATE TYPE "DriftAlertStatus" AS ENUM ('active', 'acknowledged');

-- Every value was written by the service from a validated enum, so each cast succeeds; a value
-- outside the enum (a hand edit) fails the migration, naming the value, instead of being guessed at.
-- AlterTable
ALTER TABLE "drift_monitors"
  ALTER COLUMN "minSeverity" TYPE "DriftAlertSeverity" USING ("minSeverity"::"DriftAlertSeverity"),
  ALTER COLUMN "retrainMinSeverity" TYPE "DriftAlertSeverity" USING ("retrainMinSeverity"::"DriftAlertSeverity");

-- AlterTable
ALTER TABLE "drift_references"
  ALTER COLUMN "kind" TYPE "DriftColumnKind" USING ("kind"::"DriftColumnKind");

-- AlterTable
ALTER TABLE "drift_reports"
  ALTER COLUMN "trigger" TYPE "DriftCheckTrigger" USING ("trigger"::"DriftCheckTrigger"),
  ALTER COLUMN "severity" TYPE "DriftSeverity" USING ("severity"::"DriftSeverity");

-- The text default 'active' cannot be cast with the column: drop it, retype, set it again.
-- AlterTable
ALTER TABLE "drift_alerts"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "kind" TYPE "DriftAlertKind" USING ("kind"::"DriftAlertKind"),
  ALTER COLUMN "severity" TYPE "DriftAlertSeverity" USING ("severity"::"DriftAlertSeverity"),
  ALTER COLUMN "status" TYPE "DriftAlertStatus" USING ("status"::"DriftAlertStatus"),
  ALTER COLUMN "status" SET DEFAULT 'active';

-- Orphans, which would make the foreign keys below fail. The service deleted a monitor's
-- reference, reports and alerts in the monitor's own transaction, so none should exist; but a
-- monitor row deleted by hand (or a check that finished after its monitor was deleted) left rows
-- that nothing can reach any more: no API lists them without their monitor, and the monitor's
-- cascade, had it existed, would have deleted them. They are deleted, as that cascade would have.
DELETE FROM "drift_references" r WHERE NOT EXISTS (SELECT 1 FROM "drift_monitors" m WHERE m."id" = r."monitorId");
DELETE FROM "drift_alerts" a WHERE NOT EXISTS (SELECT 1 FROM "drift_monitors" m WHERE m."id" = a."monitorId");
DELETE FROM "drift_reports" r WHERE NOT EXISTS (SELECT 1 FROM "drift_monitors" m WHERE m."id" = r."monitorId");
-- An alert whose report is gone keeps its history (its monitor exists): only the dangling link
-- goes, as ON DELETE SET NULL does from now on.
UPDATE "drift_alerts" a SET "reportId" = NULL
  WHERE a."reportId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "drift_reports" r WHERE r."id" = a."reportId");

-- CreateIndex
CREATE INDEX "drift_alerts_reportId_idx" ON "drift_alerts"("reportId");

-- AddForeignKey
ALTER TABLE "drift_references" ADD CONSTRAINT "drift_references_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "drift_monitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drift_reports" ADD CONSTRAINT "drift_reports_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "drift_monitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drift_alerts" ADD CONSTRAINT "drift_alerts_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "drift_monitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drift_alerts" ADD CONSTRAINT "drift_alerts_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "drift_reports"("id") ON DELETE SET NULL ON UPDATE CASCADE;
