-- CreateEnum
CREATE TYPE "ModelVersioning" AS ENUM ('semver', 'timestamp');

-- AlterTable
ALTER TABLE "registry_models" ADD COLUMN     "versioning" "ModelVersioning" NOT NULL DEFAULT 'semver';
