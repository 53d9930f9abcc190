import { Inject, Injectable, Logger } from '@nestjs/common';
import { UpstreamUnavailable } from '@modelyard/platform';
import { NotFoundError, type BatchIngestor, type SampleInput } from '@modelyard/sdk';
import type { FeedbackBody, FeedbackResponse, LabelsResponse, MonitorResponse, PipelineResponse } from '@modelyard/types';
import type { PredictionTap } from '../taps/prediction-taps.js';
import { FeatureStore } from './feature-store.js';
import { FeedbackMetrics } from './feedback.metrics.js';
import { FeedbackTargets } from './feedback-targets.js';
import { driftValue, sampleRow } from './feedback-values.js';

type Item = FeedbackBody['items'][number];

/**
 * POST /v1/models/:name/feedback: labels of earlier predictions, by prediction id, to the model's
 * drift monitors (joined to the records the drift tap sent under the same ids; the answer's
 * `forwarded.monitors` counts the labels they joined) and, with the features kept for the
 * prediction, as samples to its learning pipelines (queued through one batching ingestor per
 * pipeline, flushed at shutdown; `forwarded.pipelines` counts the samples queued). `unknown`:
 * with a pipeline, the ids whose features are not kept (expired or never predicted); with monitors
 * only, the fewest labels a monitor could not join; with neither, every item.
 */
@Injectable()
export class FeedbackService {
  private readonly logger = new Logger(FeedbackService.name);
  private readonly ingestors = new Map<string, BatchIngestor<SampleInput>>();

  constructor(
    @Inject(FeedbackTargets) private readonly targets: FeedbackTargets,
    @Inject(FeatureStore) private readonly store: FeatureStore,
    @Inject(FeedbackMetrics) private readonly metrics: FeedbackMetrics,
  ) {}

  async feedback(model: string, body: FeedbackBody): Promise<FeedbackResponse> {
    const { monitors, pipelines } = await this.targets.of(model);
    const labelled = monitors.filter((m) => m.label);
    const [joined, features] = await Promise.all([
      Promise.all(labelled.map((m) => this.toMonitor(m, body.items))),
      pipelines.length
        ? this.store.get(
            model,
            body.items.map((i) => i.predictionId),
          )
        : Promise.resolve(null),
    ]);
    let samples = 0;
    if (features) for (const p of pipelines) samples += await this.toPipeline(p, body.items, features);
    const unknown = features
      ? features.filter((f) => f === null).length
      : joined.length
        ? Math.min(...joined.map((j) => j.unmatched))
        : body.items.length;
    const toMonitors = joined.reduce((s, j) => s + j.matched + j.replaced + j.unchanged, 0);
    return { received: body.items.length, forwarded: { monitors: toMonitors, pipelines: samples }, unknown };
  }

  /** One labels call per monitor (up to 10,000, as the body): its counts are the answer's. */
  private async toMonitor(monitor: MonitorResponse, items: readonly Item[]): Promise<LabelsResponse> {
    const kind = monitor.label!.kind;
    const labels: { id: string; label: number | string | boolean }[] = [];
    for (const item of items) {
      const label = driftValue(kind, item.label);
      if (label !== undefined) labels.push({ id: item.predictionId, label });
    }
    const unfit = items.length - labels.length;
    if (unfit) this.metrics.dropped.inc({ target: 'drift', reason: 'unfit' }, unfit);
    const none = { received: 0, matched: 0, replaced: 0, unchanged: 0, unmatched: unfit };
    if (!labels.length) return none;
    try {
      const counts = await this.targets.drift.labels(monitor.id, labels);
      return { ...counts, unmatched: counts.unmatched + unfit };
    } catch (err) {
      // Deleted since the monitors were listed: nothing of it to join.
      if (err instanceof NotFoundError) return { ...none, unmatched: items.length };
      throw new UpstreamUnavailable('Drift', `the drift service did not take the labels: ${String(err)}`);
    }
  }

  private async toPipeline(pipeline: PipelineResponse, items: readonly Item[], features: readonly (Record<string, unknown> | null)[]) {
    const ingestor = this.ingestorOf(pipeline.id);
    let queued = 0;
    let unfit = 0;
    for (let i = 0; i < items.length; i++) {
      const kept = features[i];
      if (!kept) continue;
      const row = sampleRow(pipeline, kept, items[i]!.label);
      if (row) {
        await ingestor.add(row);
        queued++;
      } else unfit++;
    }
    if (unfit) this.metrics.dropped.inc({ target: 'learning', reason: 'unfit' }, unfit);
    return queued;
  }

  private ingestorOf(pipelineId: string): BatchIngestor<SampleInput> {
    let ingestor = this.ingestors.get(pipelineId);
    if (!ingestor) {
      ingestor = this.targets.learning.sampleIngestor(pipelineId, {
        onFull: 'block',
        maxBatchSize: 1_000,
        flushIntervalMs: 500,
        onError: (err, batch) => {
          if (batch.length) this.metrics.dropped.inc({ target: 'learning', reason: 'refused' }, batch.length);
          this.logger.error(`learning pipeline ${pipelineId}: ${batch.length} samples lost: ${String(err)}`);
        },
      });
      this.ingestors.set(pipelineId, ingestor);
    }
    return ingestor;
  }

  /** Hands the queued samples over at shutdown, after the last feedback requests were drained. */
  asTap(): PredictionTap {
    return {
      name: 'learning-samples',
      onPrediction: () => undefined,
      flush: async () => {
        await Promise.all([...this.ingestors.values()].map((i) => i.close()));
      },
    };
  }
}
