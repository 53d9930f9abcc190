import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { QUEUE_JOBS, type QueueName } from '@modelyard/types';
import { Worker, type Job } from 'bullmq';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { closeRedisClient, createRedisClient, type RedisClient } from '../redis/redis-client.js';
import { JOB_HANDLER, handlerProblems, type FoundHandler, type JobHandlerMeta } from './job-handler.js';
import { queuePrefix } from './queue.service.js';

export const CONSUMED_QUEUES = Symbol('CONSUMED_QUEUES');

type Run = (data: unknown, job: Job) => Promise<unknown>;

/**
 * Consumer side: finds the @JobHandler methods, checks that each job of each consumed queue has
 * exactly one (the service refuses to start otherwise), and runs one BullMQ worker per queue, in
 * this process unless RUN_WORKERS=0. Workers close first on shutdown, finishing the jobs in hand
 * while Postgres and Redis are still open.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: Worker[] = [];
  private connection?: RedisClient;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(CONSUMED_QUEUES) private readonly consumes: QueueName[],
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
  ) {}

  private handlers(): (FoundHandler & { run: Run })[] {
    return this.discovery.getProviders().flatMap((wrapper) => {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) return [];
      const proto = Object.getPrototypeOf(instance) as object;
      return this.scanner.getAllMethodNames(proto).flatMap((method) => {
        const fn = instance[method] as (...args: unknown[]) => Promise<unknown>;
        const meta = Reflect.getMetadata(JOB_HANDLER, fn) as JobHandlerMeta | undefined;
        if (!meta) return [];
        return [
          { ...meta, owner: `${instance.constructor.name}.${method}`, run: (data: unknown, job: Job) => fn.call(instance, data, job) },
        ];
      });
    });
  }

  async onApplicationBootstrap() {
    const handlers = this.handlers();
    const problems = handlerProblems(this.consumes, QUEUE_JOBS, handlers);
    if (problems.length) throw new Error(`Queue handlers are miswired:\n  - ${problems.join('\n  - ')}`);
    if (!this.config.queues.runWorkers) return;

    // Workers block on their connection, so it must never give up on a command (BullMQ's rule).
    this.connection = createRedisClient(this.config.redis, { maxRetriesPerRequest: null });
    for (const queue of this.consumes) {
      const mine = handlers.filter((h) => h.queue === queue);
      const byJob = new Map(mine.map((h) => [h.job as string, h.run]));
      const worker = new Worker(
        queue,
        async (job: Job) => {
          const run = byJob.get(job.name);
          if (!run) throw new Error(`no handler for job '${job.name}' on queue '${queue}'`);
          return run(job.data, job);
        },
        {
          connection: this.connection,
          prefix: queuePrefix(this.config, queue),
          concurrency: Math.max(1, ...mine.map((h) => h.concurrency ?? 1)),
        },
      );
      worker.on('failed', (job, err) =>
        this.logger.warn(`${queue}/${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`),
      );
      worker.on('error', (err) => this.logger.warn(`worker of '${queue}': ${err.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`workers running for: ${this.consumes.join(', ')}`);
  }

  async onModuleDestroy() {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers.length = 0;
    if (this.connection) await closeRedisClient(this.connection);
  }
}
