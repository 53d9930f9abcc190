-- Experiments: the variants and guardrails held as JSON documents become rows of their own tables,
-- and the primary metric becomes columns, with metric kinds and directions as enums; every
-- experiments table belongs to its experiment through a foreign key with ON DELETE CASCADE.
-- Written by hand: the generated script dropped the JSON columns (and with them every experiment's
-- variants, guardrails and primary metric) before creating what replaces them.
-- Postgres runs a migration script in one transaction, so a failure below changes nothing.

-- CreateEnum
CREATE TYPE "ExperimentMetricKind" AS ENUM ('binomial', 'continuous');

-- CreateEnum
CREATE TYPE "ExperimentMetricDirection" AS ENUM ('higher', 'lower');

-- Orphans, which would make the foreign keys below fail: assignments and statistics snapshots whose
-- experiment is gone. The service never deletes an experiment, so these can only come from a row
-- deleted by hand; no route reaches them any more, and the experiment's cascade, had it existed,
-- would have deleted them. They are deleted, as that cascade would have.
DELETE FROM "experiments_assignments" a
WHERE NOT EXISTS (SELECT 1 FROM "experiments_experiments" e WHERE e."id" = a."experimentId");

DELETE FROM "experiments_stats" s
WHERE NOT EXISTS (SELECT 1 FROM "experiments_experiments" e WHERE e."id" = s."experimentId");

-- CreateTable
CREATE TABLE "experiments_variants" (
    "experimentId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "experiments_variants_pkey" PRIMARY KEY ("experimentId","key")
);

-- CreateTable
CREATE TABLE "experiments_guardrails" (
    "experimentId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "kind" "ExperimentMetricKind" NOT NULL,
    "direction" "ExperimentMetricDirection" NOT NULL,
    "maxRelativeDegradation" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "experiments_guardrails_pkey" PRIMARY KEY ("experimentId","position")
);

-- Every document was written by the service from a validated body, so every element has each
-- field, with a value of the enum; a document changed by hand that does not (a missing field, a
-- kind outside the enum, something other than a list) stops the migration on a NOT NULL or a cast
-- instead of being guessed at. WITH ORDINALITY keeps the order of the lists: assignment hashes
-- into the variants' weights in that order, and the results list guardrails in it.
INSERT INTO "experiments_variants" ("experimentId", "key", "position", "version", "weight")
SELECT e."id", v.doc ->> 'key', v.n - 1, v.doc ->> 'version', (v.doc ->> 'weight')::double precision
FROM "experiments_experiments" e
CROSS JOIN LATERAL jsonb_array_elements(e."variants") WITH ORDINALITY AS v(doc, n);

INSERT INTO "experiments_guardrails"
  ("experimentId", "position", "metric", "kind", "direction", "maxRelativeDegradation")
SELECT e."id", g.n - 1, g.doc ->> 'name', (g.doc ->> 'kind')::"ExperimentMetricKind",
  (g.doc ->> 'direction')::"ExperimentMetricDirection", (g.doc ->> 'maxRelativeDegradation')::double precision
FROM "experiments_experiments" e
CROSS JOIN LATERAL jsonb_array_elements(e."guardrails") WITH ORDINALITY AS g(doc, n);

-- The primary metric: added nullable, filled from the document, then made NOT NULL.
ALTER TABLE "experiments_experiments"
  ADD COLUMN "primaryMetricName" TEXT,
  ADD COLUMN "primaryMetricKind" "ExperimentMetricKind",
  ADD COLUMN "primaryMetricDirection" "ExperimentMetricDirection";

UPDATE "experiments_experiments" SET
  "primaryMetricName" = "primaryMetric" ->> 'name',
  "primaryMetricKind" = ("primaryMetric" ->> 'kind')::"ExperimentMetricKind",
  "primaryMetricDirection" = ("primaryMetric" ->> 'direction')::"ExperimentMetricDirection";

ALTER TABLE "experiments_experiments"
  ALTER COLUMN "primaryMetricName" SET NOT NULL,
  ALTER COLUMN "primaryMetricKind" SET NOT NULL,
  ALTER COLUMN "primaryMetricDirection" SET NOT NULL,
  DROP COLUMN "variants",
  DROP COLUMN "guardrails",
  DROP COLUMN "primaryMetric";

-- CreateIndex
CREATE UNIQUE INDEX "experiments_variants_experimentId_position_key" ON "experiments_variants"("experimentId", "position");

-- AddForeignKey
ALTER TABLE "experiments_variants" ADD CONSTRAINT "experiments_variants_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "experiments_experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments_guardrails" ADD CONSTRAINT "experiments_guardrails_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "experiments_experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments_assignments" ADD CONSTRAINT "experiments_assignments_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "experiments_experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments_stats" ADD CONSTRAINT "experiments_stats_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "experiments_experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
