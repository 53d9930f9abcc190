-- AlterTable
ALTER TABLE "platform_api_keys" ADD COLUMN     "team" TEXT,
ADD COLUMN     "teamRole" TEXT;

-- CreateTable
CREATE TABLE "platform_teams" (
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_teams_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "platform_team_members" (
    "team" TEXT NOT NULL,
    "member" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "addedBy" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_team_members_pkey" PRIMARY KEY ("team","member")
);

-- CreateTable
CREATE TABLE "platform_model_teams" (
    "model" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "platform_model_teams_pkey" PRIMARY KEY ("model")
);

-- CreateIndex
CREATE INDEX "platform_team_members_member_idx" ON "platform_team_members"("member");

-- CreateIndex
CREATE INDEX "platform_model_teams_team_idx" ON "platform_model_teams"("team");

-- AddForeignKey
ALTER TABLE "platform_api_keys" ADD CONSTRAINT "platform_api_keys_team_fkey" FOREIGN KEY ("team") REFERENCES "platform_teams"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_team_members" ADD CONSTRAINT "platform_team_members_team_fkey" FOREIGN KEY ("team") REFERENCES "platform_teams"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_model_teams" ADD CONSTRAINT "platform_model_teams_team_fkey" FOREIGN KEY ("team") REFERENCES "platform_teams"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "platform_model_teams" ADD CONSTRAINT "platform_model_teams_model_fkey" FOREIGN KEY ("model") REFERENCES "registry_models"("name") ON DELETE CASCADE ON UPDATE CASCADE;
