-- CreateEnum
CREATE TYPE "PipelineState" AS ENUM ('active', 'paused');

-- CreateTable
CREATE TABLE "learning_pipelines" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "description" TEXT,
    "state" "PipelineState" NOT NULL DEFAULT 'active',
    "learner" JSONB NOT NULL,
    "features" JSONB NOT NULL,
    "target" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "batchSize" INTEGER NOT NULL,
    "minSamples" INTEGER NOT NULL,
    "maxBuffer" INTEGER NOT NULL,
    "scheduleSeconds" INTEGER,
    "adaptive" JSONB,
    "gate" JSONB NOT NULL,
    "register" JSONB NOT NULL,
    "onDrift" TEXT NOT NULL,
    "consumedThrough" BIGINT NOT NULL DEFAULT 0,
    "samplesSeen" BIGINT NOT NULL DEFAULT 0,
    "updateSeq" INTEGER NOT NULL DEFAULT 0,
    "currentVersion" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "learning_pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learning_checkpoints" (
    "id" UUID NOT NULL,
    "pipelineId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "model" JSONB NOT NULL,
    "progressive" JSONB NOT NULL,
    "samplesSeen" BIGINT NOT NULL,
    "metrics" JSONB NOT NULL,
    "version" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learning_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learning_updates" (
    "id" UUID NOT NULL,
    "pipelineId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "holdout" INTEGER NOT NULL DEFAULT 0,
    "metricsBefore" JSONB NOT NULL DEFAULT '{}',
    "metricsAfter" JSONB NOT NULL DEFAULT '{}',
    "gate" JSONB,
    "version" TEXT,
    "experimentKey" TEXT,
    "driftReportId" TEXT,
    "detail" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learning_updates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "learning_pipelines_name_key" ON "learning_pipelines"("name");

-- CreateIndex
CREATE INDEX "learning_pipelines_model_idx" ON "learning_pipelines"("model");

-- CreateIndex
CREATE UNIQUE INDEX "learning_checkpoints_pipelineId_seq_key" ON "learning_checkpoints"("pipelineId", "seq");

-- CreateIndex
CREATE INDEX "learning_updates_pipelineId_finishedAt_idx" ON "learning_updates"("pipelineId", "finishedAt");
