-- CreateEnum
CREATE TYPE "DriftMonitorStatus" AS ENUM ('active', 'paused');

-- CreateTable
CREATE TABLE "drift_monitors" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "version" TEXT,
    "status" "DriftMonitorStatus" NOT NULL DEFAULT 'active',
    "features" JSONB NOT NULL,
    "prediction" JSONB,
    "label" JSONB,
    "windowSize" INTEGER NOT NULL,
    "everySeconds" INTEGER NOT NULL,
    "webhookUrl" TEXT,
    "webhookSubscriptionId" UUID,
    "minSeverity" TEXT NOT NULL,
    "cooldownSeconds" INTEGER NOT NULL,
    "retrainPipelineId" UUID,
    "retrainMinSeverity" TEXT NOT NULL,
    "retrainCooldownSeconds" INTEGER NOT NULL,
    "alertRules" JSONB NOT NULL,
    "referenceRows" INTEGER NOT NULL DEFAULT 0,
    "referenceVersion" INTEGER NOT NULL DEFAULT 0,
    "referenceUpdatedAt" TIMESTAMP(3),
    "lastRetrainAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "drift_monitors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_references" (
    "monitorId" UUID NOT NULL,
    "column" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "values" BYTEA,
    "counts" JSONB,

    CONSTRAINT "drift_references_pkey" PRIMARY KEY ("monitorId","column")
);

-- CreateTable
CREATE TABLE "drift_reports" (
    "id" UUID NOT NULL,
    "monitorId" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "windowSeq" BIGINT NOT NULL,
    "referenceVersion" INTEGER NOT NULL,
    "windowRecords" INTEGER NOT NULL,
    "referenceRows" INTEGER NOT NULL,
    "severity" TEXT NOT NULL,
    "driftedShare" DOUBLE PRECISION NOT NULL,
    "body" JSONB NOT NULL,
    "retrainTriggered" BOOLEAN NOT NULL DEFAULT false,
    "durationMs" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drift_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_alerts" (
    "id" UUID NOT NULL,
    "monitorId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "reportId" UUID,
    "status" TEXT NOT NULL DEFAULT 'active',
    "acknowledgedBy" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drift_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "drift_monitors_model_idx" ON "drift_monitors"("model");

-- CreateIndex
CREATE UNIQUE INDEX "drift_monitors_model_name_key" ON "drift_monitors"("model", "name");

-- CreateIndex
CREATE INDEX "drift_reports_monitorId_createdAt_idx" ON "drift_reports"("monitorId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "drift_reports_monitorId_windowSeq_referenceVersion_key" ON "drift_reports"("monitorId", "windowSeq", "referenceVersion");

-- CreateIndex
CREATE INDEX "drift_alerts_monitorId_key_createdAt_idx" ON "drift_alerts"("monitorId", "key", "createdAt");

-- CreateIndex
CREATE INDEX "drift_alerts_status_createdAt_idx" ON "drift_alerts"("status", "createdAt");

-- CreateIndex
CREATE INDEX "drift_alerts_model_status_idx" ON "drift_alerts"("model", "status");
