import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { QueueName } from '@modelyard/types';
import { QueueMetrics } from './queue-metrics.js';
import { QueueService } from './queue.service.js';
import { CONSUMED_QUEUES, WorkerHost } from './worker-host.js';

/**
 * BullMQ for a service: `QueueService` to add jobs anywhere, workers for the queues the service
 * `consumes` (their handlers are @JobHandler methods on any provider), and their depth as the
 * `ml_queue_jobs` gauge.
 */
@Module({})
export class QueuesModule {
  static forRoot(consumes: QueueName[]): DynamicModule {
    return {
      module: QueuesModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [QueueService, WorkerHost, QueueMetrics, { provide: CONSUMED_QUEUES, useValue: consumes }],
      exports: [QueueService],
    };
  }
}
