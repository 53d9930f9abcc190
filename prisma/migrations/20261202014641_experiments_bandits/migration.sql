-- Bandit experiments: their type, settings and the weight periods the SRM check expects counts from.
-- CreateEnum
CREATE TYPE "ExperimentType" AS ENUM ('fixed', 'bandit');

-- AlterTable
ALTER TABLE "experiments_experiments" ADD COLUMN     "bandit" JSONB,
ADD COLUMN     "type" "ExperimentType" NOT NULL DEFAULT 'fixed',
ADD COLUMN     "weightPeriods" JSONB NOT NULL DEFAULT '[]';
