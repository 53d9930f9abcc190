import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { LoadedVersion, VersionDescriptor } from '../models/loaded-version.js';
import { ServingTable } from '../models/serving-table.js';
import { infer } from '../predict/inference.js';
import { instancesToFeeds } from '../predict/instances.js';
import { perInstance } from '../predict/outputs.js';
import type { ServingSettings } from '../config.js';
import { ServingMetrics } from '../serving.metrics.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { PredictionTaps, type PredictionTap, type ServedPrediction } from '../taps/prediction-taps.js';
import { ShadowConfigs, type ShadowConfig } from './shadow-configs.js';
import { ShadowReports } from './shadow-reports.js';
import { compare, type Scored } from './shadow-stats.js';

interface Job {
  prediction: ServedPrediction;
  config: ShadowConfig;
  shadow: VersionDescriptor;
}

/**
 * Scores the sampled share of a model's predict calls with its shadow version, after the response,
 * with bounded concurrency and a bounded queue: under overload a call is skipped and counted, so
 * shadowing can neither slow the answers nor grow memory. A shadow that cannot run on an input
 * (another schema, a runtime error) counts the call as failed; the response was sent long before.
 */
@Injectable()
export class ShadowTap implements PredictionTap, OnModuleInit {
  readonly name = 'shadow';
  private readonly logger = new Logger(ShadowTap.name);
  private readonly queue: Job[] = [];
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(PredictionTaps) private readonly taps: PredictionTaps,
    @Inject(ShadowConfigs) private readonly configs: ShadowConfigs,
    @Inject(ShadowReports) private readonly reports: ShadowReports,
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(ServingMetrics) private readonly servingMetrics: ServingMetrics,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.taps.add(this);
  }

  onPrediction(prediction: ServedPrediction): void {
    const config = this.configs.get(prediction.model);
    const shadow = config && this.table.get(prediction.model)?.shadow;
    if (!config || !shadow || shadow.version === prediction.version) return;
    this.reports.count(prediction.model, config, shadow.version, 'seen');
    if (Math.random() >= config.fraction) return;
    this.reports.count(prediction.model, config, shadow.version, 'sampled');
    const job = { prediction, config, shadow };
    // At most SERVING_SHADOW_CONCURRENCY run, SERVING_SHADOW_QUEUE wait; past that a call is skipped.
    const { concurrency, queue } = this.settings.shadow;
    if (this.closed || (this.running.size >= concurrency && this.queue.length >= queue)) return this.skip(job);
    if (this.running.size >= concurrency) this.queue.push(job);
    else this.start(job);
  }

  /** At shutdown: what waits is skipped (counted), what runs finishes, and the counts are written. */
  async flush(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.skip(job);
    await Promise.allSettled([...this.running]);
    await this.reports.flush();
  }

  private skip({ prediction, config, shadow }: Job): void {
    this.reports.count(prediction.model, config, shadow.version, 'skipped');
  }

  private start(job: Job): void {
    const run = this.score(job).finally(() => {
      this.running.delete(run);
      const next = this.queue.shift();
      if (next) this.start(next);
    });
    this.running.add(run);
  }

  private async score({ prediction, config, shadow }: Job): Promise<void> {
    let answered: Scored & { latencyMs: number };
    try {
      const lease = await this.table.acquire(shadow);
      try {
        answered = await this.run(lease.loaded, prediction);
      } finally {
        lease.release();
      }
    } catch (err) {
      this.reports.count(prediction.model, config, shadow.version, 'failed');
      this.metrics.backgroundFailures.inc({ loop: 'serving-shadow' });
      this.logger.warn(`${shadow.model}@${shadow.version} could not shadow a call: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const comparison = compare(prediction, answered, config.tolerance);
    this.reports.scored(prediction.model, config, shadow.version, comparison, prediction.latencyMs, answered.latencyMs);
  }

  /** The shadow's answer as predict would give it (its own input mapping and outputs), timed as predict times its inference. */
  private async run(loaded: LoadedVersion, prediction: ServedPrediction): Promise<Scored & { latencyMs: number }> {
    const { layout, outputs } = loaded;
    if (!layout) throw new Error('it has several inputs and no input schema');
    const feeds = instancesToFeeds(layout, prediction.instances);
    const wanted = outputs.probabilities ? [outputs.prediction, outputs.probabilities] : [outputs.prediction];
    const started = performance.now();
    const out = await infer(loaded, feeds, wanted, this.servingMetrics);
    const latencyMs = performance.now() - started;
    const n = prediction.instances.length;
    return {
      latencyMs,
      predictions: perInstance(out.get(outputs.prediction)!, n),
      probabilities: outputs.probabilities ? (perInstance(out.get(outputs.probabilities)!, n) as number[][]) : undefined,
    };
  }
}
