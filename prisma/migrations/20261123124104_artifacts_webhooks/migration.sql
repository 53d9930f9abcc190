-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'succeeded', 'failed');

-- AlterTable
ALTER TABLE "registry_model_versions" ADD COLUMN     "artifactsReleasedAt" TIMESTAMP(3),
ADD COLUMN     "integrityFailedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "platform_webhook_subscriptions" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "description" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_webhook_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_webhook_outbox" (
    "id" BIGSERIAL NOT NULL,
    "eventId" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatchedAt" TIMESTAMP(3),

    CONSTRAINT "platform_webhook_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_webhook_deliveries" (
    "id" UUID NOT NULL,
    "subscriptionId" UUID NOT NULL,
    "outboxId" BIGINT NOT NULL,
    "event" TEXT NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMP(3),
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),
    "redeliveryOf" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry_artifact_blobs" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verifiedAt" TIMESTAMP(3),
    "corruptedAt" TIMESTAMP(3),

    CONSTRAINT "registry_artifact_blobs_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "registry_artifacts" (
    "id" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "contentType" TEXT NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_artifacts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "platform_webhook_outbox_eventId_key" ON "platform_webhook_outbox"("eventId");

-- CreateIndex
CREATE INDEX "platform_webhook_outbox_dispatchedAt_id_idx" ON "platform_webhook_outbox"("dispatchedAt", "id");

-- CreateIndex
CREATE INDEX "platform_webhook_deliveries_subscriptionId_createdAt_idx" ON "platform_webhook_deliveries"("subscriptionId", "createdAt");

-- CreateIndex
CREATE INDEX "platform_webhook_deliveries_status_nextAttemptAt_idx" ON "platform_webhook_deliveries"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "registry_artifacts_sha256_idx" ON "registry_artifacts"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "registry_artifacts_versionId_path_key" ON "registry_artifacts"("versionId", "path");

-- AddForeignKey
ALTER TABLE "platform_webhook_deliveries" ADD CONSTRAINT "platform_webhook_deliveries_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "platform_webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_webhook_deliveries" ADD CONSTRAINT "platform_webhook_deliveries_outboxId_fkey" FOREIGN KEY ("outboxId") REFERENCES "platform_webhook_outbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_artifacts" ADD CONSTRAINT "registry_artifacts_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "registry_model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_artifacts" ADD CONSTRAINT "registry_artifacts_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "registry_artifact_blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
