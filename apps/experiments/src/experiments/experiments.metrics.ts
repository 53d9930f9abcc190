import { Inject, Injectable } from '@nestjs/common';
import { MetricsService, PrismaService } from '@modelyard/platform';
import type { Counter } from 'prom-client';

@Injectable()
export class ExperimentsMetrics {
  /** New (first-time) assignments per variant; sticky repeats are not traffic. */
  readonly traffic: Counter<'experiment' | 'variant'>;

  constructor(@Inject(MetricsService) metrics: MetricsService, @Inject(PrismaService) prisma: PrismaService) {
    metrics.gauge('ml_experiment_active_total', 'Running experiments', [], async function () {
      this.set(await prisma.experiment.count({ where: { status: 'running' } }));
    });
    this.traffic = metrics.counter('ml_experiment_traffic', 'Units assigned, by experiment and variant', ['experiment', 'variant']);
  }
}
