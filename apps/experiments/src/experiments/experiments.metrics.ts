import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { Counter, Gauge } from 'prom-client';
import { ExperimentsRepository } from './experiments.repository.js';

@Injectable()
export class ExperimentsMetrics {
  /** New (first-time) assignments per variant; sticky repeats are not traffic. */
  readonly traffic: Counter<'experiment' | 'variant'>;
  /** Latest mean of each metric per variant, as of the last results computation. */
  readonly metric: Gauge<'experiment' | 'variant' | 'metric'>;
  /** 1 while the last results showed a sample ratio mismatch. */
  readonly srmFlag: Gauge<'experiment'>;
  /** Units answered from the replica's memory of earlier answers, and from Redis' sticky hash. */
  readonly answered: { memory: Counter.Internal; redis: Counter.Internal };

  constructor(@Inject(MetricsService) metrics: MetricsService, @Inject(ExperimentsRepository) experiments: ExperimentsRepository) {
    metrics.gauge('ml_experiments_active', 'Running experiments', [], async function () {
      this.set(await experiments.countRunning());
    });
    this.metric = metrics.gauge('ml_experiment_metric', 'Mean of a metric per variant at the last results', [
      'experiment',
      'variant',
      'metric',
    ]);
    this.srmFlag = metrics.gauge('ml_experiment_srm_flag', 'Sample ratio mismatch at the last results (1 = flagged)', ['experiment']);
    this.traffic = metrics.counter('ml_experiment_traffic_total', 'Units assigned, by experiment and variant', ['experiment', 'variant']);
    const answered = metrics.counter(
      'ml_experiment_assignments_answered_total',
      "Units whose assignment was answered, by where the answer came from: 'memory' (this replica gave it before) or 'redis'",
      ['source'],
    );
    this.answered = { memory: answered.labels('memory'), redis: answered.labels('redis') };
  }
}
