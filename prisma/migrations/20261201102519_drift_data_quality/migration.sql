-- Data quality: what ingestion does with values of the wrong type (existing monitors count them, the
-- new default), and the reference's missing values per column (for the missing-share test).

-- CreateEnum
CREATE TYPE "DriftOnInvalid" AS ENUM ('count', 'reject');

-- AlterTable
ALTER TABLE "drift_monitors" ADD COLUMN     "onInvalid" "DriftOnInvalid" NOT NULL DEFAULT 'count';

-- AlterTable
ALTER TABLE "drift_references" ADD COLUMN     "missing" INTEGER NOT NULL DEFAULT 0;
