-- CreateEnum
CREATE TYPE "ExperimentStatus" AS ENUM ('draft', 'running', 'stopped', 'concluded');

-- CreateTable
CREATE TABLE "experiments_experiments" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "description" TEXT,
    "status" "ExperimentStatus" NOT NULL DEFAULT 'draft',
    "variants" JSONB NOT NULL,
    "control" TEXT NOT NULL,
    "coverage" DOUBLE PRECISION NOT NULL,
    "seed" TEXT NOT NULL,
    "primaryMetric" JSONB NOT NULL,
    "guardrails" JSONB NOT NULL DEFAULT '[]',
    "minSampleSize" INTEGER,
    "sequential" BOOLEAN NOT NULL,
    "alpha" DOUBLE PRECISION NOT NULL,
    "autoPromote" BOOLEAN NOT NULL,
    "maxDurationHours" DOUBLE PRECISION,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "experiments_experiments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "experiments_experiments_key_key" ON "experiments_experiments"("key");

-- CreateIndex
CREATE INDEX "experiments_experiments_status_idx" ON "experiments_experiments"("status");

-- CreateIndex
CREATE INDEX "experiments_experiments_model_idx" ON "experiments_experiments"("model");
