import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { Counter } from 'prom-client';

/**
 * Experiment routing's metrics. Labelled by model, experiment and variant, which come from the
 * registry and the experiments service (never from a request), so the series stay bounded.
 */
@Injectable()
export class RoutingMetrics {
  /** Calls answered by an experiment's variant. */
  readonly routed: Counter<'model' | 'experiment' | 'variant'>;
  /** Exposures handed to the batching log (one per routed unit, repeats of a recent unit left out). */
  readonly exposures: Counter<'experiment'>;
  /** Exposures that never reached the experiments service (a batch refused or given up on). */
  readonly exposuresLost: Counter<'experiment'>;
  /** Exposures refused because the experiment had stopped or concluded by the time they were sent. */
  readonly exposuresAfterEnd: Counter<'experiment'>;
  /** Calls with a unit answered by production because the experiments service could not be asked. */
  readonly assignmentFailures: Counter<'experiment'>;

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    this.routed = metrics.counter('ml_serving_routed_total', "Predict calls answered by an experiment's variant for their unit", [
      'model',
      'experiment',
      'variant',
    ]);
    this.exposures = metrics.counter('ml_serving_exposures_total', 'Exposures of routed units queued for the experiments service', [
      'experiment',
    ]);
    this.exposuresLost = metrics.counter('ml_serving_exposures_lost_total', 'Exposures the experiments service refused or never got', [
      'experiment',
    ]);
    this.exposuresAfterEnd = metrics.counter(
      'ml_serving_exposures_after_end_total',
      'Exposures the experiments service refused because the experiment had ended when they arrived',
      ['experiment'],
    );
    this.assignmentFailures = metrics.counter(
      'ml_serving_assignment_failures_total',
      'Calls with a unit answered by production because its assignment could not be asked',
      ['experiment'],
    );
  }
}
