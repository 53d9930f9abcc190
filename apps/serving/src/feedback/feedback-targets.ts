import { Inject, Injectable, Logger } from '@nestjs/common';
import { MetricsService, PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { DriftClient, HttpClient, LearningClient } from '@modelyard/sdk';
import type { MonitorResponse, PipelineResponse } from '@modelyard/types';
import type { ServingSettings } from '../config.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';

const TIMEOUT_MS = 10_000;
const RETRY = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

/** Where a model's predictions and labels go: its active drift monitors and learning pipelines. */
export interface ModelTargets {
  monitors: MonitorResponse[];
  pipelines: PipelineResponse[];
}

const NONE: ModelTargets = { monitors: [], pipelines: [] };

/**
 * The drift and learning clients (this service's credential), and each model's monitors and
 * pipelines, listed once per SERVING_FEEDBACK_TARGETS_SECONDS, never per request: a stale list is
 * answered while the next one loads. A failed listing keeps the previous one (or none) until the
 * next interval, counted in `ml_background_failures_total{loop="serving-feedback-targets"}`.
 */
@Injectable()
export class FeedbackTargets {
  private readonly logger = new Logger(FeedbackTargets.name);
  readonly drift: DriftClient;
  readonly learning: LearningClient;
  private readonly cache = new Map<string, { targets: ModelTargets; at: number }>();
  private readonly loading = new Map<string, Promise<ModelTargets>>();
  // Bumped when a model's monitors or pipelines are announced changed: a listing begun before is not kept.
  private readonly generations = new Map<string, number>();

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(ServiceCredential) credential: ServiceCredential,
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {
    const client = (baseUrl: string) => new HttpClient({ ...credential.clientOptions(), baseUrl, timeoutMs: TIMEOUT_MS, retry: RETRY });
    this.drift = new DriftClient(client(config.urls.drift));
    this.learning = new LearningClient(client(config.urls.learning));
  }

  async of(model: string): Promise<ModelTargets> {
    return this.cached(model) ?? this.load(model);
  }

  /**
   * The model's targets when a listing is in memory (a stale one starts the next listing), without
   * waiting: the taps check it on every prediction, and most models have nothing to send to.
   */
  cached(model: string): ModelTargets | undefined {
    const hit = this.cache.get(model);
    if (hit && Date.now() - hit.at >= this.settings.feedbackTargetsMs) void this.load(model);
    return hit?.targets;
  }

  /** The model's monitors or pipelines changed (announced): its next prediction lists them again. */
  forget(model: string): void {
    this.cache.delete(model);
    this.loading.delete(model);
    this.generations.set(model, (this.generations.get(model) ?? 0) + 1);
  }

  private load(model: string): Promise<ModelTargets> {
    let pending = this.loading.get(model);
    if (pending) return pending;
    const generation = this.generations.get(model) ?? 0;
    pending = this.list(model)
      .catch((err: unknown) => {
        this.metrics.backgroundFailures.inc({ loop: 'serving-feedback-targets' });
        this.logger.error(`${model}: listing drift monitors and learning pipelines failed: ${String(err)}`);
        return this.cache.get(model)?.targets ?? NONE;
      })
      .then((targets) => {
        if ((this.generations.get(model) ?? 0) === generation) this.cache.set(model, { targets, at: Date.now() });
        return targets;
      })
      .finally(() => {
        if (this.loading.get(model) === pending) this.loading.delete(model);
      });
    this.loading.set(model, pending);
    return pending;
  }

  private async list(model: string): Promise<ModelTargets> {
    const monitors: MonitorResponse[] = [];
    for await (const m of this.drift.monitors.all({ model, limit: 200 })) if (m.status === 'active') monitors.push(m);
    const pipelines: PipelineResponse[] = [];
    for await (const p of this.learning.pipelines.all({ model, state: 'active', limit: 200 })) pipelines.push(p);
    return { monitors, pipelines };
  }
}
