import { Inject, Injectable } from '@nestjs/common';
import { MetricsService, PrismaService, RedisService } from '@modelyard/platform';
import type { Counter, Gauge } from 'prom-client';
import { bufferKey } from './samples/buffer.store.js';

@Injectable()
export class LearningMetrics {
  readonly updates: Counter<'pipeline' | 'outcome'>;
  readonly samplesProcessed: Counter<'pipeline'>;
  readonly bufferDropped: Counter<'pipeline'>;
  /** Progressive metrics of each pipeline's current model, as of its last update. */
  readonly metric: Gauge<'pipeline' | 'metric'>;

  constructor(@Inject(MetricsService) metrics: MetricsService, @Inject(PrismaService) prisma: PrismaService, @Inject(RedisService) redis: RedisService) {
    this.updates = metrics.counter('ml_pipeline_updates_total', 'Update runs by pipeline and outcome (registered, rejected, skipped, failed)', ['pipeline', 'outcome']);
    this.samplesProcessed = metrics.counter('ml_pipeline_samples_processed_total', 'Samples learned by committed updates', ['pipeline']);
    this.bufferDropped = metrics.counter('ml_pipeline_buffer_dropped_total', 'Oldest samples dropped because a buffer was full', ['pipeline']);
    this.metric = metrics.gauge('ml_pipeline_metric', 'Progressive metric of the current model', ['pipeline', 'metric']);
    // Read at scrape time from Redis, so every replica reports the shared buffers' real sizes.
    metrics.gauge('ml_pipeline_buffer_size', 'Samples waiting in each pipeline buffer', ['pipeline'], async function () {
      const pipelines = await prisma.learningPipeline.findMany({ select: { id: true, name: true }, take: 10_000 });
      const sizes = await Promise.all(pipelines.map((p) => redis.client.llen(bufferKey(p.id))));
      this.reset();
      pipelines.forEach((p, i) => this.set({ pipeline: p.name }, sizes[i]!));
    });
  }
}
