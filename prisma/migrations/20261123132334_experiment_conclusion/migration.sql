-- AlterTable
ALTER TABLE "experiments_experiments" ADD COLUMN     "conclusion" JSONB;
