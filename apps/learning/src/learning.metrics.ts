import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { Counter, Gauge } from 'prom-client';
import { PipelinesRepository } from './pipelines/pipelines.repository.js';
import { BufferStore } from './samples/buffer.store.js';

/** Pipelines reported by the buffer-size gauge at most. */
const GAUGE_PIPELINES = 10_000;

@Injectable()
export class LearningMetrics {
  readonly updates: Counter<'pipeline' | 'outcome'>;
  readonly samplesProcessed: Counter<'pipeline'>;
  readonly bufferDropped: Counter<'pipeline'>;
  /** Progressive metrics of each pipeline's current model, as of its last update. */
  readonly metric: Gauge<'pipeline' | 'metric'>;
  /** Samples learned by tuning trials, counted as learned (a rung redone after a crash counts again). */
  readonly tuningSampleUpdates: Counter<'pipeline'>;

  constructor(
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(PipelinesRepository) pipelines: PipelinesRepository,
    @Inject(BufferStore) buffer: BufferStore,
  ) {
    this.updates = metrics.counter(
      'ml_pipeline_updates_total',
      'Update runs by pipeline and outcome (registered, rejected, skipped, failed)',
      ['pipeline', 'outcome'],
    );
    this.samplesProcessed = metrics.counter('ml_pipeline_samples_processed_total', 'Samples learned by committed updates', ['pipeline']);
    this.bufferDropped = metrics.counter('ml_pipeline_buffer_dropped_total', 'Oldest samples dropped because a buffer was full', [
      'pipeline',
    ]);
    this.tuningSampleUpdates = metrics.counter('ml_pipeline_tuning_sample_updates_total', 'Samples learned by tuning trials', ['pipeline']);
    this.metric = metrics.gauge('ml_pipeline_metric', 'Progressive metric of the current model', ['pipeline', 'metric']);
    // Read at scrape time from Redis, so every replica reports the shared buffers' real sizes.
    metrics.gauge('ml_pipeline_buffer_size', 'Samples waiting in each pipeline buffer', ['pipeline'], async function () {
      const all = await pipelines.listAll(GAUGE_PIPELINES);
      const sizes = await Promise.all(all.map((p) => buffer.size(p.id)));
      this.reset();
      all.forEach((p, i) => this.set({ pipeline: p.name }, sizes[i]!));
    });
  }
}
