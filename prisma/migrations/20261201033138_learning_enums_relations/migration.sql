-- Learning: enum-like text columns become enums, and checkpoints and update history belong to their
-- pipeline through foreign keys (ON DELETE CASCADE replaces the service's hand-written cascade).
-- Existing rows are converted in place (USING casts), not dropped and re-added as the generated
-- script would. Every stored value was written from a validated body or a code constant, so each
-- cast matches an enum label; a value that did not would stop the migration, changing nothing.

-- Orphans: checkpoints and history rows whose pipeline is gone. The service deleted them in the
-- same transaction as their pipeline, so these can only come from a manual delete or an
-- interrupted one; no route reaches them, and the foreign keys below cannot be added over them.
DELETE FROM "learning_checkpoints" c
WHERE NOT EXISTS (SELECT 1 FROM "learning_pipelines" p WHERE p."id" = c."pipelineId");

DELETE FROM "learning_updates" u
WHERE NOT EXISTS (SELECT 1 FROM "learning_pipelines" p WHERE p."id" = u."pipelineId");

-- CreateEnum
CREATE TYPE "PipelineStrategy" AS ENUM ('incremental', 'mini_batch', 'periodic', 'adaptive');

-- CreateEnum
CREATE TYPE "PipelineOnDrift" AS ENUM ('warm_start', 'reset');

-- CreateEnum
CREATE TYPE "LearningUpdateReason" AS ENUM ('samples', 'schedule', 'manual', 'adaptive', 'drift');

-- CreateEnum
CREATE TYPE "LearningUpdateOutcome" AS ENUM ('registered', 'rejected', 'skipped', 'failed');

-- AlterTable
ALTER TABLE "learning_pipelines"
  ALTER COLUMN "strategy" SET DATA TYPE "PipelineStrategy" USING "strategy"::"PipelineStrategy",
  ALTER COLUMN "onDrift" SET DATA TYPE "PipelineOnDrift" USING "onDrift"::"PipelineOnDrift";

-- AlterTable
ALTER TABLE "learning_updates"
  ALTER COLUMN "reason" SET DATA TYPE "LearningUpdateReason" USING "reason"::"LearningUpdateReason",
  ALTER COLUMN "outcome" SET DATA TYPE "LearningUpdateOutcome" USING "outcome"::"LearningUpdateOutcome";

-- AddForeignKey
ALTER TABLE "learning_checkpoints" ADD CONSTRAINT "learning_checkpoints_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "learning_pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learning_updates" ADD CONSTRAINT "learning_updates_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "learning_pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;
