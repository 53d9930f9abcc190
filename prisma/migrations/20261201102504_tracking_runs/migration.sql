-- CreateEnum
CREATE TYPE "TrackingLifecycle" AS ENUM ('active', 'deleted');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED');

-- AlterTable
ALTER TABLE "registry_model_versions" ADD COLUMN     "runId" UUID;

-- CreateTable
CREATE TABLE "registry_tracking_projects" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "artifactLocation" TEXT NOT NULL,
    "lifecycle" "TrackingLifecycle" NOT NULL DEFAULT 'active',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "registry_tracking_projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_tracking_project_tags" (
    "projectId" BIGINT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "registry_tracking_project_tags_pkey" PRIMARY KEY ("projectId","key")
);

-- CreateTable
CREATE TABLE "registry_tracking_runs" (
    "id" UUID NOT NULL,
    "projectId" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'RUNNING',
    "userId" TEXT NOT NULL,
    "startTime" BIGINT NOT NULL,
    "endTime" BIGINT,
    "lifecycle" "TrackingLifecycle" NOT NULL DEFAULT 'active',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_tracking_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_tracking_run_tags" (
    "runId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "registry_tracking_run_tags_pkey" PRIMARY KEY ("runId","key")
);

-- CreateTable
CREATE TABLE "registry_tracking_run_params" (
    "runId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "registry_tracking_run_params_pkey" PRIMARY KEY ("runId","key")
);

-- CreateTable
CREATE TABLE "registry_tracking_metrics" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "step" BIGINT NOT NULL,
    "timestamp" BIGINT NOT NULL,

    CONSTRAINT "registry_tracking_metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_tracking_latest_metrics" (
    "runId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "step" BIGINT NOT NULL,
    "timestamp" BIGINT NOT NULL,

    CONSTRAINT "registry_tracking_latest_metrics_pkey" PRIMARY KEY ("runId","key")
);

-- CreateTable
CREATE TABLE "registry_tracking_run_artifacts" (
    "runId" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_tracking_run_artifacts_pkey" PRIMARY KEY ("runId","path")
);

-- CreateTable
CREATE TABLE "registry_tracking_run_inputs" (
    "runId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "sourceType" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "schema" TEXT,
    "profile" TEXT,
    "tags" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "registry_tracking_run_inputs_pkey" PRIMARY KEY ("runId","name","digest")
);

-- CreateIndex
CREATE UNIQUE INDEX "registry_tracking_projects_name_key" ON "registry_tracking_projects"("name");

-- CreateIndex
CREATE INDEX "registry_tracking_runs_projectId_startTime_idx" ON "registry_tracking_runs"("projectId", "startTime");

-- CreateIndex
CREATE INDEX "registry_tracking_metrics_runId_key_step_timestamp_id_idx" ON "registry_tracking_metrics"("runId", "key", "step", "timestamp", "id");

-- CreateIndex
CREATE INDEX "registry_tracking_latest_metrics_key_value_idx" ON "registry_tracking_latest_metrics"("key", "value");

-- CreateIndex
CREATE INDEX "registry_tracking_run_artifacts_sha256_idx" ON "registry_tracking_run_artifacts"("sha256");

-- AddForeignKey
ALTER TABLE "registry_model_versions" ADD CONSTRAINT "registry_model_versions_runId_fkey" FOREIGN KEY ("runId") REFERENCES "registry_tracking_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_project_tags" ADD CONSTRAINT "registry_tracking_project_tags_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "registry_tracking_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_runs" ADD CONSTRAINT "registry_tracking_runs_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "registry_tracking_projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_run_tags" ADD CONSTRAINT "registry_tracking_run_tags_runId_fkey" FOREIGN KEY ("runId") REFERENCES "registry_tracking_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_run_params" ADD CONSTRAINT "registry_tracking_run_params_runId_fkey" FOREIGN KEY ("runId") REFERENCES "registry_tracking_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_latest_metrics" ADD CONSTRAINT "registry_tracking_latest_metrics_runId_fkey" FOREIGN KEY ("runId") REFERENCES "registry_tracking_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_run_artifacts" ADD CONSTRAINT "registry_tracking_run_artifacts_runId_fkey" FOREIGN KEY ("runId") REFERENCES "registry_tracking_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_run_artifacts" ADD CONSTRAINT "registry_tracking_run_artifacts_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "registry_artifact_blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_tracking_run_inputs" ADD CONSTRAINT "registry_tracking_run_inputs_runId_fkey" FOREIGN KEY ("runId") REFERENCES "registry_tracking_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The default project: MLflow clients log to experiment "0" when none is chosen.
INSERT INTO "registry_tracking_projects" ("id", "name", "artifactLocation", "createdBy", "updatedAt")
VALUES (0, 'Default', 'mlflow-artifacts:/0', 'system', CURRENT_TIMESTAMP);
