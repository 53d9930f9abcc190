import { Inject, Injectable, Logger } from '@nestjs/common';
import type { QueueName } from '@modelyard/types';
import { MetricsService } from '../metrics/metrics.service.js';
import { QueueService } from './queue.service.js';
import { CONSUMED_QUEUES } from './worker-host.js';

/** The job states worth scaling and alerting on (completed ones are trimmed, so their count says little). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;
/** A scrape never waits longer than this for Redis: the last counts are served instead. */
const COUNT_TIMEOUT_MS = 1_000;

/**
 * `ml_queue_jobs{queue,state}`: the jobs of each queue this service consumes, read from Redis when
 * Prometheus scrapes. Worker deployments scale on the waiting count (k8s/README.md) and the
 * backlog alert reads it. A slow or unreachable Redis leaves the previous counts in place rather
 * than stalling /metrics.
 */
@Injectable()
export class QueueMetrics {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(QueueService) queues: QueueService,
    @Inject(CONSUMED_QUEUES) consumes: QueueName[],
  ) {
    const logger = this.logger;
    metrics.gauge('ml_queue_jobs', 'Jobs in each queue the service consumes, by state', ['queue', 'state'], async function () {
      await Promise.all(
        consumes.map(async (name) => {
          const counts = await withTimeout(queues.queue(name).getJobCounts(...QUEUE_STATES), COUNT_TIMEOUT_MS).catch((err: unknown) => {
            logger.warn(`queue ${name}: counts not read (${(err as Error).message}); the previous ones are served`);
            return null;
          });
          if (counts) for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }),
      );
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
