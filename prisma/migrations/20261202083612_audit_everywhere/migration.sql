-- CreateTable
CREATE TABLE "platform_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "modelName" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiments_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "modelName" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiments_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "modelName" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drift_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learning_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "modelName" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "learning_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "platform_audit_events_at_id_idx" ON "platform_audit_events"("at", "id");

-- CreateIndex
CREATE INDEX "experiments_audit_events_at_id_idx" ON "experiments_audit_events"("at", "id");

-- CreateIndex
CREATE INDEX "drift_audit_events_at_id_idx" ON "drift_audit_events"("at", "id");

-- CreateIndex
CREATE INDEX "learning_audit_events_at_id_idx" ON "learning_audit_events"("at", "id");

-- CreateIndex
CREATE INDEX "registry_audit_events_at_id_idx" ON "registry_audit_events"("at", "id");

-- CreateTable
CREATE TABLE "serving_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "modelName" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "serving_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "serving_audit_events_at_id_idx" ON "serving_audit_events"("at", "id");

-- CreateTable
CREATE TABLE "registry_audit_archives" (
    "id" BIGSERIAL NOT NULL,
    "service" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "rows" INTEGER NOT NULL,
    "firstId" BIGINT NOT NULL,
    "lastId" BIGINT NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_audit_archives_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "registry_audit_archives_service_id_idx" ON "registry_audit_archives"("service", "id");

-- Audit tables are append-only. The retention archive is the one writer allowed to delete: it sets
-- `SET LOCAL modelyard.audit_archive = 'on'` in the transaction that deletes rows it has stored.
CREATE FUNCTION "platform_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('modelyard.audit_archive', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "registry_audit_events_append_only" BEFORE UPDATE OR DELETE ON "registry_audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform_audit_append_only"();
CREATE TRIGGER "platform_audit_events_append_only" BEFORE UPDATE OR DELETE ON "platform_audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform_audit_append_only"();
CREATE TRIGGER "experiments_audit_events_append_only" BEFORE UPDATE OR DELETE ON "experiments_audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform_audit_append_only"();
CREATE TRIGGER "drift_audit_events_append_only" BEFORE UPDATE OR DELETE ON "drift_audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform_audit_append_only"();
CREATE TRIGGER "learning_audit_events_append_only" BEFORE UPDATE OR DELETE ON "learning_audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform_audit_append_only"();
CREATE TRIGGER "serving_audit_events_append_only" BEFORE UPDATE OR DELETE ON "serving_audit_events"
  FOR EACH ROW EXECUTE FUNCTION "platform_audit_append_only"();

-- The merged audit log every service writes into, read by the registry's GET /v1/audit. Ids are
-- per table, so (at, service, id) is the order and the cursor: unique, and the same on every read.
CREATE VIEW "platform_audit_log" AS
  SELECT 'registry'::text AS "service", "id", "modelName", "action", "actor", "subject" AS "target",
         "before", "after", "reason", "requestId", "at" FROM "registry_audit_events"
  UNION ALL
  SELECT 'platform'::text, "id", "modelName", "action", "actor", "target", "before", "after", "reason", "requestId", "at"
    FROM "platform_audit_events"
  UNION ALL
  SELECT 'experiments'::text, "id", "modelName", "action", "actor", "target", "before", "after", "reason", "requestId", "at"
    FROM "experiments_audit_events"
  UNION ALL
  SELECT 'drift'::text, "id", "modelName", "action", "actor", "target", "before", "after", "reason", "requestId", "at"
    FROM "drift_audit_events"
  UNION ALL
  SELECT 'learning'::text, "id", "modelName", "action", "actor", "target", "before", "after", "reason", "requestId", "at"
    FROM "learning_audit_events"
  UNION ALL
  SELECT 'serving'::text, "id", "modelName", "action", "actor", "target", "before", "after", "reason", "requestId", "at"
    FROM "serving_audit_events";
