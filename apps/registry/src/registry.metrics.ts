import { Inject, Injectable } from '@nestjs/common';
import { MetricsService, PrismaService } from '@modelyard/platform';
import { Stage } from '@modelyard/types';
import type { Counter } from 'prom-client';

/**
 * Domain metrics. Counts are read from Postgres at scrape time, so every replica reports the same
 * truth instead of its own share of the traffic.
 */
@Injectable()
export class RegistryMetrics {
  readonly promotions: Counter<'from_stage' | 'to_stage'>;
  readonly integrityFailures: Counter<'backend' | 'reason'>;

  constructor(@Inject(MetricsService) metrics: MetricsService, @Inject(PrismaService) prisma: PrismaService) {
    metrics.gauge('ml_models', 'Registered models', [], async function () {
      this.set(await prisma.registeredModel.count());
    });
    metrics.gauge('ml_model_versions', 'Model versions by stage', ['stage'], async function () {
      const counts = await prisma.modelVersion.groupBy({ by: ['stage'], _count: { _all: true } });
      for (const stage of Stage.options) {
        this.set({ stage }, counts.find((c) => c.stage === stage)?._count._all ?? 0);
      }
    });
    this.promotions = metrics.counter('ml_model_promotion_total', 'Stage changes into or out of production', ['from_stage', 'to_stage']);
    this.integrityFailures = metrics.counter(
      'ml_artifact_integrity_failures_total',
      'Stored artifacts found corrupted or missing (on download or verify)',
      ['backend', 'reason'],
    );
  }
}
