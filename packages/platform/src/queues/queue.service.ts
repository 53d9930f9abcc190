import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, type JobName, type QueueName } from '@modelyard/types';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { bullPrefix } from '../redis/key-tags.js';
import { closeRedisClient, createRedisClient, type RedisClient } from '../redis/redis-client.js';

/**
 * Every queue's keys sit under the installation's Redis prefix, so installations (and tests) never
 * meet; in a cluster the prefix is a hash tag per queue (`{<REDIS_PREFIX>:bull:<queue>}`), as
 * BullMQ's scripts need all of a queue's keys in one slot.
 */
export function queuePrefix(config: PlatformConfig, queue: string): string {
  return bullPrefix(config.redis.prefix, config.redis.clusterNodes.length > 0, queue);
}

/** BullMQ reserves ':' in custom ids (it would read them as repeat-job keys): ours use '.' there. */
export function bullJobId(jobId: string): string {
  return jobId.replaceAll(':', '.');
}

/**
 * Producer side of the queues: one Queue per name, on one connection. Features call these methods,
 * never raw BullMQ: unique work (`enqueueUnique`), repeatable work (`schedule` / `unschedule`) and
 * job lookups all follow the same id rules here.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly connection: RedisClient;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    // Failures surface on the add() that hit them and in /health/ready.
    this.connection = createRedisClient(config.redis, { lazyConnect: true });
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: queuePrefix(this.config, name),
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Adds unique work under a deterministic id: adding a job whose id is queued, running or done
   * does nothing. A job that failed for good under that id is kept for inspection by BullMQ
   * (removeOnFail), which would make the add a no-op until it expires; it is replaced instead, so
   * the work runs again once its cause is fixed. Returns the id BullMQ knows the job by.
   */
  async enqueueUnique<T extends object>(
    queue: QueueName,
    job: JobName,
    data: T,
    jobId: string,
    options: JobsOptions = {},
  ): Promise<string> {
    const id = bullJobId(jobId);
    const previous = await this.queue(queue).getJob(id);
    if (previous && (await previous.isFailed())) await previous.remove();
    await this.queue(queue).add(job, data, { ...options, jobId: id });
    return id;
  }

  /** The job under one of our ids, if BullMQ still has it. */
  async job(queue: QueueName, jobId: string): Promise<Job | undefined> {
    return this.queue(queue).getJob(bullJobId(jobId));
  }

  /** Repeats `job` every `everyMs` under one scheduler id (idempotent: a second call updates it). */
  async schedule<T extends object>(queue: QueueName, job: JobName, schedulerId: string, everyMs: number, data: T): Promise<void> {
    await this.queue(queue).upsertJobScheduler(schedulerId, { every: everyMs }, { name: job, data });
  }

  /** Removes a scheduler; removing one that does not exist is not an error. */
  async unschedule(queue: QueueName, schedulerId: string): Promise<void> {
    await this.queue(queue).removeJobScheduler(schedulerId);
  }

  async onApplicationShutdown() {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await closeRedisClient(this.connection);
  }
}
