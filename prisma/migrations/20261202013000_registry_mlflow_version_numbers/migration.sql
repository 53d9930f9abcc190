-- MLflow's model registry over our versions: an integer number per model (MLflow's `version`),
-- the source URI and run link MLflow clients register with, and MLflow's key/value tags.

-- AlterTable
ALTER TABLE "registry_models" ADD COLUMN     "keyTags" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "lastNumber" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "registry_model_versions" ADD COLUMN     "keyTags" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "number" INTEGER,
ADD COLUMN     "runLink" TEXT,
ADD COLUMN     "source" TEXT;

-- Existing versions are numbered 1, 2, 3… per model in the order they were created.
UPDATE "registry_model_versions" AS v SET "number" = n.rn
FROM (
  SELECT "id", ROW_NUMBER() OVER (PARTITION BY "modelId" ORDER BY "createdAt", "id") AS rn
  FROM "registry_model_versions"
) AS n
WHERE v."id" = n."id";

ALTER TABLE "registry_model_versions" ALTER COLUMN "number" SET NOT NULL,
ALTER COLUMN "number" SET DEFAULT 0;

UPDATE "registry_models" AS m SET "lastNumber" = v.top
FROM (SELECT "modelId", MAX("number") AS top FROM "registry_model_versions" GROUP BY "modelId") AS v
WHERE m."id" = v."modelId";

-- CreateIndex
CREATE UNIQUE INDEX "registry_model_versions_modelId_number_key" ON "registry_model_versions"("modelId", "number");

-- A version inserted without a number (0, the default) takes the next of its model's sequence; the
-- UPDATE locks the model's row, so concurrent inserts for one model are numbered one after another.
-- Done in the database so every writer (the registry, seeds, tests of other packages) gets one.
CREATE FUNCTION registry_next_version_number() RETURNS trigger AS $$
BEGIN
  IF NEW."number" = 0 THEN
    UPDATE "registry_models" SET "lastNumber" = "lastNumber" + 1
    WHERE "id" = NEW."modelId" RETURNING "lastNumber" INTO NEW."number";
  ELSE
    UPDATE "registry_models" SET "lastNumber" = GREATEST("lastNumber", NEW."number") WHERE "id" = NEW."modelId";
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "registry_model_versions_number" BEFORE INSERT ON "registry_model_versions"
FOR EACH ROW EXECUTE FUNCTION registry_next_version_number();
