-- The sufficient statistics of experiments over time (results, lift and confidence sequence over time).
CREATE TABLE "experiments_stats_history" (
    "experimentId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "variant" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiments_stats_history_pkey" PRIMARY KEY ("experimentId","seq","variant","metric")
);

ALTER TABLE "experiments_stats_history" ADD CONSTRAINT "experiments_stats_history_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "experiments_experiments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
