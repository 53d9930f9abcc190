-- AlterTable
ALTER TABLE "drift_references" ADD COLUMN     "distinct" INTEGER,
ADD COLUMN     "sorted" BOOLEAN NOT NULL DEFAULT false;
