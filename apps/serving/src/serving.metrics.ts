import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import { Histogram, type Counter, type Gauge } from 'prom-client';
import type { VersionDescriptor } from './models/loaded-version.js';

/** Inference time of one call (a batch), from 50 µs to 10 s. */
const INFERENCE_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The series of one loaded version, looked up once: prom-client hashes a label object on every call otherwise. */
export interface VersionSeries {
  inference: { observe(seconds: number): void };
  predictions: { v1: { inc(n: number): void }; v2: { inc(n: number): void } };
}

/**
 * Serving's domain metrics (Prometheus conventions: counters end in _total, durations in _seconds).
 * Labelled by model and version: both come from the registry (never from a request), so the
 * series are bounded by the versions that were served.
 */
@Injectable()
export class ServingMetrics {
  /** Instances predicted, by API (v1 predict, v2 infer). */
  readonly predictions: Counter<'model' | 'version' | 'api'>;
  readonly inference: Histogram<'model' | 'version'>;
  readonly loadFailures: Counter<'model' | 'reason'>;
  readonly loads: Counter<'model'>;
  readonly swaps: Counter<'model' | 'target'>;
  readonly evictions: Counter;
  /** Requests whose run was shared with others (dynamic batching, see BatchingRunner). */
  readonly batched: Counter<'model'>;
  readonly downloads: Counter;
  readonly cacheHits: Counter;
  /** A cached file that no longer hashed to its name: deleted and downloaded again. */
  readonly cacheCorrupt: Counter;
  /** Artifact bytes in the disk cache after the last pruning. */
  readonly cacheBytes: Gauge;
  readonly loaded: Gauge;
  readonly loadedBytes: Gauge;
  /** By descriptor object: a version loaded again gets a new one, and the old entry goes with it. */
  private readonly series = new WeakMap<VersionDescriptor, VersionSeries>();

  constructor(@Inject(MetricsService) metrics: MetricsService) {
    this.predictions = metrics.counter('ml_serving_predictions_total', 'Instances predicted, by model, version and API', [
      'model',
      'version',
      'api',
    ]);
    this.inference = new Histogram({
      name: 'ml_serving_inference_duration_seconds',
      help: 'Time the model took for one call (all its instances), by model and version',
      labelNames: ['model', 'version'],
      buckets: INFERENCE_BUCKETS,
      registers: [metrics.registry],
    });
    this.loadFailures = metrics.counter(
      'ml_serving_model_load_failures_total',
      'Versions that could not be loaded, by reason (download, integrity, load, schema, warmup, validation)',
      ['model', 'reason'],
    );
    this.loads = metrics.counter('ml_serving_model_loads_total', 'Versions loaded into memory (first loads and reloads after eviction)', [
      'model',
    ]);
    this.swaps = metrics.counter('ml_serving_swaps_total', 'Targets (production, alias:<name>) moved to another version', [
      'model',
      'target',
    ]);
    this.batched = metrics.counter(
      'ml_serving_batched_requests_total',
      'Requests answered from one model run shared with other requests (dynamic batching), by model',
      ['model'],
    );
    this.evictions = metrics.counter('ml_serving_model_evictions_total', 'Loaded versions evicted to stay within SERVING_MAX_MODELS_MB');
    this.downloads = metrics.counter('ml_serving_artifact_downloads_total', 'Artifacts downloaded from the registry');
    this.cacheHits = metrics.counter(
      'ml_serving_artifact_cache_hits_total',
      'Artifacts read from the disk cache (hash verified) instead of downloaded',
    );
    this.cacheCorrupt = metrics.counter(
      'ml_serving_artifact_cache_corrupt_total',
      'Cached artifacts whose bytes no longer matched their SHA-256',
    );
    this.cacheBytes = metrics.gauge('ml_serving_artifact_cache_bytes', 'Artifact bytes in the disk cache after the last pruning');
    this.loaded = metrics.gauge('ml_serving_models_loaded', 'Versions loaded in memory');
    this.loadedBytes = metrics.gauge('ml_serving_models_loaded_bytes', 'Memory budget used by loaded versions (artifact sizes)');
  }

  /** The version's inference histogram and prediction counters. */
  of(descriptor: VersionDescriptor): VersionSeries {
    let found = this.series.get(descriptor);
    if (!found) {
      const { model, version } = descriptor;
      found = {
        inference: this.inference.labels({ model, version }),
        predictions: {
          v1: this.predictions.labels({ model, version, api: 'v1' }),
          v2: this.predictions.labels({ model, version, api: 'v2' }),
        },
      };
      this.series.set(descriptor, found);
    }
    return found;
  }
}
