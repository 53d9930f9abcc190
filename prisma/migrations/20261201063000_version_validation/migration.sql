-- AlterTable: the newest validation report of a version (status, checks, validator, artifact,
-- runtime, validatedBy, validatedAt); NULL until one is recorded.
ALTER TABLE "registry_model_versions" ADD COLUMN     "validation" JSONB;
