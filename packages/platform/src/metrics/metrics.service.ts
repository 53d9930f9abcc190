import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';

/**
 * One Prometheus registry per application (not prom-client's global one), so several apps in one
 * process (tests) never collide. Services register their domain metrics here.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /**
   * Items a background loop (tick, start-up pass, outbox sweep) failed on and left for its next
   * run; see forEachIsolated. One counter for every service, told apart by the `service` label.
   */
  readonly backgroundFailures: Counter<'loop'>;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.registry.setDefaultLabels({ service: config.service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.backgroundFailures = this.counter(
      'ml_background_failures_total',
      'Entities a background loop failed on (logged, retried on its next run), by loop',
      ['loop'],
    );
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: (this: Gauge<L>) => Promise<void> | void,
  ): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }
}
