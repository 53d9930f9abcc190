-- CreateTable
CREATE TABLE "experiments_assignments" (
    "experimentId" UUID NOT NULL,
    "unit" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiments_assignments_pkey" PRIMARY KEY ("experimentId","unit")
);

-- CreateTable
CREATE TABLE "experiments_stats" (
    "experimentId" UUID NOT NULL,
    "variant" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "experiments_stats_pkey" PRIMARY KEY ("experimentId","variant","metric")
);
