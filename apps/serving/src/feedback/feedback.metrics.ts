import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { Counter } from 'prom-client';

/** What the feedback loop could not pass on (by target: drift, learning, features; and reason). */
@Injectable()
export class FeedbackMetrics {
  readonly dropped: Counter<'target' | 'reason'>;

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    this.dropped = metrics.counter(
      'ml_serving_feedback_dropped_total',
      "Predictions, labels or features not passed on: unfit (not the target's schema), refused (a batch the service refused), write_failed",
      ['target', 'reason'],
    );
  }
}
