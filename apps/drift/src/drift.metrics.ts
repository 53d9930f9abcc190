import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import { Histogram, type Counter, type Gauge } from 'prom-client';

@Injectable()
export class DriftMetrics {
  /** Latest statistic of each feature's test (p-value tests: the p-value; distances: the distance). */
  readonly score: Gauge<'monitor' | 'feature' | 'test'>;
  readonly alerts: Counter<'severity'>;
  readonly recordsIngested: Counter;
  readonly invalidValues: Counter;
  readonly checkDuration: Histogram;
  readonly labels: Counter<'outcome'>;
  readonly labelIndexEvicted: Counter;

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    this.score = metrics.gauge('ml_drift_score', 'Drift statistic of the last check (p-value for KS/chi-square/Z, distance otherwise)', [
      'monitor',
      'feature',
      'test',
    ]);
    this.alerts = metrics.counter('ml_drift_alerts_total', 'Drift alerts raised, by severity', ['severity']);
    this.recordsIngested = metrics.counter('ml_drift_records_ingested_total', 'Records ingested into drift windows');
    this.invalidValues = metrics.counter(
      'ml_drift_invalid_values_total',
      'Feature values of the wrong type counted and kept out of the statistics (onInvalid: count)',
    );
    this.labels = metrics.counter(
      'ml_drift_labels_total',
      'Labels sent after their records, by outcome (matched, replaced, unchanged, unmatched)',
      ['outcome'],
    );
    this.labelIndexEvicted = metrics.counter(
      'ml_drift_label_index_evicted_total',
      'Record ids evicted from a label index before their horizon because the monitor tracks its maximum',
    );
    // The platform's MetricsService has no histogram helper; this one registers on its registry.
    this.checkDuration = new Histogram({
      name: 'ml_drift_check_duration_seconds',
      help: 'Duration of a drift check in the worker (load, tests, persist)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }
}
