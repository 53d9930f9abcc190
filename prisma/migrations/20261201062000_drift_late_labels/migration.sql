-- Labels that arrive later: a per-monitor horizon, and one report per window, reference and label counter.
ALTER TABLE "drift_monitors" ADD COLUMN "labelHorizonSeconds" INTEGER NOT NULL DEFAULT 604800;

ALTER TABLE "drift_reports" ADD COLUMN "labelSeq" BIGINT NOT NULL DEFAULT 0;

DROP INDEX "drift_reports_monitorId_windowSeq_referenceVersion_key";

CREATE UNIQUE INDEX "drift_reports_monitorId_windowSeq_referenceVersion_labelSeq_key" ON "drift_reports"("monitorId", "windowSeq", "referenceVersion", "labelSeq");
