-- CreateEnum
CREATE TYPE "ModelStage" AS ENUM ('draft', 'testing', 'staging', 'production', 'archived', 'failed');

-- CreateTable
CREATE TABLE "platform_api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "roles" TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "platform_api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_models" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "tags" TEXT[],
    "owner" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "registry_models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_model_versions" (
    "id" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "major" INTEGER NOT NULL,
    "minor" INTEGER NOT NULL,
    "patch" INTEGER NOT NULL,
    "prerelease" TEXT,
    "stage" "ModelStage" NOT NULL DEFAULT 'draft',
    "productionSlot" BOOLEAN,
    "description" TEXT,
    "tags" TEXT[],
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "params" JSONB NOT NULL DEFAULT '{}',
    "config" JSONB NOT NULL DEFAULT '{}',
    "trainingInfo" JSONB NOT NULL DEFAULT '{}',
    "inputSchema" JSONB,
    "outputSchema" JSONB,
    "parentVersion" TEXT,
    "pipelineId" TEXT,
    "experimentKey" TEXT,
    "dataset" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "stageChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "productionAt" TIMESTAMP(3),

    CONSTRAINT "registry_model_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_model_aliases" (
    "modelId" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "registry_model_aliases_pkey" PRIMARY KEY ("modelId","alias")
);

-- CreateTable
CREATE TABLE "registry_alias_history" (
    "id" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "fromVersion" TEXT,
    "toVersion" TEXT,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_alias_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_audit_events" (
    "id" BIGSERIAL NOT NULL,
    "modelName" TEXT,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "requestId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "platform_api_keys_prefix_key" ON "platform_api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "platform_api_keys_hash_key" ON "platform_api_keys"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "registry_models_name_key" ON "registry_models"("name");

-- CreateIndex
CREATE INDEX "registry_model_versions_modelId_major_minor_patch_idx" ON "registry_model_versions"("modelId", "major", "minor", "patch");

-- CreateIndex
CREATE INDEX "registry_model_versions_modelId_stage_idx" ON "registry_model_versions"("modelId", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "registry_model_versions_modelId_version_key" ON "registry_model_versions"("modelId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "registry_model_versions_modelId_productionSlot_key" ON "registry_model_versions"("modelId", "productionSlot");

-- CreateIndex
CREATE INDEX "registry_alias_history_modelId_alias_at_idx" ON "registry_alias_history"("modelId", "alias", "at");

-- CreateIndex
CREATE INDEX "registry_audit_events_modelName_id_idx" ON "registry_audit_events"("modelName", "id");

-- AddForeignKey
ALTER TABLE "registry_model_versions" ADD CONSTRAINT "registry_model_versions_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "registry_models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_model_aliases" ADD CONSTRAINT "registry_model_aliases_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "registry_models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
