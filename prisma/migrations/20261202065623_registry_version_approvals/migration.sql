-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('approve', 'reject');

-- AlterTable
ALTER TABLE "registry_models" ADD COLUMN     "requiredApprovals" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "registry_version_approvals" (
    "id" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_version_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "registry_version_approvals_versionId_actor_key" ON "registry_version_approvals"("versionId", "actor");

-- AddForeignKey
ALTER TABLE "registry_version_approvals" ADD CONSTRAINT "registry_version_approvals_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "registry_model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
