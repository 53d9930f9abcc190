-- CreateEnum
CREATE TYPE "LearningTuningStatus" AS ENUM ('running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "LearningTrialStatus" AS ENUM ('queued', 'running', 'waiting', 'completed', 'failed');

-- CreateTable
CREATE TABLE "learning_tunings" (
    "id" UUID NOT NULL,
    "pipelineId" UUID NOT NULL,
    "status" "LearningTuningStatus" NOT NULL DEFAULT 'running',
    "request" JSONB NOT NULL,
    "rungs" INTEGER[],
    "samples" JSONB NOT NULL,
    "bestTrialId" UUID,
    "appliedBy" TEXT,
    "appliedAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "learning_tunings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learning_trials" (
    "id" UUID NOT NULL,
    "tuningId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "status" "LearningTrialStatus" NOT NULL DEFAULT 'queued',
    "rungsDone" INTEGER NOT NULL DEFAULT 0,
    "rungTarget" INTEGER NOT NULL DEFAULT 1,
    "rungMetrics" JSONB NOT NULL DEFAULT '[]',
    "model" JSONB,
    "progressive" JSONB,
    "sampleUpdates" INTEGER NOT NULL DEFAULT 0,
    "detail" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "learning_trials_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "learning_tunings_pipelineId_createdAt_idx" ON "learning_tunings"("pipelineId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "learning_trials_tuningId_index_key" ON "learning_trials"("tuningId", "index");

-- AddForeignKey
ALTER TABLE "learning_tunings" ADD CONSTRAINT "learning_tunings_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "learning_pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learning_trials" ADD CONSTRAINT "learning_trials_tuningId_fkey" FOREIGN KEY ("tuningId") REFERENCES "learning_tunings"("id") ON DELETE CASCADE ON UPDATE CASCADE;
