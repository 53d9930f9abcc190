-- CreateEnum
CREATE TYPE "LearningExternalJobStatus" AS ENUM ('queued', 'leased', 'completed', 'failed');

-- CreateTable
CREATE TABLE "learning_external_jobs" (
    "id" UUID NOT NULL,
    "pipelineId" UUID NOT NULL,
    "reason" "LearningUpdateReason" NOT NULL,
    "driftReportId" TEXT,
    "status" "LearningExternalJobStatus" NOT NULL DEFAULT 'queued',
    "fromSample" BIGINT NOT NULL,
    "toSample" BIGINT NOT NULL,
    "holdout" INTEGER NOT NULL,
    "fresh" BOOLEAN NOT NULL,
    "parentVersion" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseToken" TEXT,
    "worker" TEXT,
    "leaseSeconds" INTEGER NOT NULL DEFAULT 60,
    "leaseExpiresAt" TIMESTAMP(3),
    "seq" INTEGER,
    "version" TEXT,
    "outcome" "LearningUpdateOutcome",
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "learning_external_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "learning_external_jobs_pipelineId_status_createdAt_idx" ON "learning_external_jobs"("pipelineId", "status", "createdAt");

-- AddForeignKey
ALTER TABLE "learning_external_jobs" ADD CONSTRAINT "learning_external_jobs_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "learning_pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;
