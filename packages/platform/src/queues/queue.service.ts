import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, type JobName, type QueueName } from '@modelyard/types';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';

/** Every queue's keys sit under the installation's Redis prefix, so installations (and tests) never meet. */
export function queuePrefix(config: PlatformConfig): string {
  return `${config.redis.prefix}:bull`;
}

/**
 * Producer side of the queues: one Queue per name, on one connection. `jobId` is required, because
 * unique work needs a deterministic id: adding a job whose id already exists does nothing.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.connection = new Redis(config.redis.url, { maxRetriesPerRequest: 2, lazyConnect: true });
    // Failures surface on the add() that hit them and in /health/ready.
    this.connection.on('error', () => undefined);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.config), defaultJobOptions: DEFAULT_JOB_OPTIONS });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<T extends object>(queue: QueueName, job: JobName, data: T, jobId: string, options: JobsOptions = {}): Promise<void> {
    // BullMQ reserves ':' in custom ids (it would read them as repeat-job keys).
    await this.queue(queue).add(job, data, { ...options, jobId: jobId.replaceAll(':', '.') });
  }

  async onApplicationShutdown() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
