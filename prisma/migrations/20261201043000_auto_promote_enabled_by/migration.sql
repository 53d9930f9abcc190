-- AlterTable
ALTER TABLE "experiments_experiments" ADD COLUMN     "autoPromoteEnabledBy" TEXT;

-- AlterTable
ALTER TABLE "learning_pipelines" ADD COLUMN     "autoPromoteEnabledBy" TEXT;

-- Automatic promotion now needs an admin to turn it on, and acts in their name. Nobody is on
-- record for what was turned on before (an editor could): it is turned off, and an admin who wants
-- it turns it on again (PATCH autoPromote: true), becoming the one the registry's audit names.
UPDATE "experiments_experiments" SET "autoPromote" = false
  WHERE "autoPromote" AND "status" IN ('draft', 'running', 'stopped');

UPDATE "learning_pipelines" SET "register" = jsonb_set("register", '{autoPromote}', 'false'::jsonb)
  WHERE ("register" ->> 'autoPromote')::boolean IS TRUE;
