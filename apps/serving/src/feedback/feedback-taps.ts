import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { BatchIngestor, DriftRecordInput } from '@modelyard/sdk';
import { PredictionTaps, type PredictionTap, type ServedPrediction } from '../taps/prediction-taps.js';
import { FeatureStore } from './feature-store.js';
import { FeedbackMetrics } from './feedback.metrics.js';
import { FeedbackService } from './feedback.service.js';
import { FeedbackTargets } from './feedback-targets.js';
import { driftRecord, namedFeatures } from './feedback-values.js';

/**
 * Work a tap started and not finished yet (waiting for its model's targets, or for room in a full
 * ingestor): flush() waits for it before closing, so nothing queued at shutdown is lost.
 */
class Pending {
  private readonly work = new Set<Promise<void>>();

  track(work: Promise<void>): Promise<void> {
    this.work.add(work);
    const done = () => this.work.delete(work);
    work.then(done, done);
    return work;
  }

  async settle(): Promise<void> {
    while (this.work.size) await Promise.allSettled([...this.work]);
  }
}

/**
 * Every prediction to each active drift monitor of its model (of its version, when the monitor
 * names one), as a record whose id is the prediction id, through one SDK batching ingestor per
 * monitor (`onFull: 'block'`: a full queue slows this tap, never drops).
 */
export class DriftTap implements PredictionTap {
  readonly name = 'drift';
  private readonly logger = new Logger(DriftTap.name);
  private readonly ingestors = new Map<string, BatchIngestor<DriftRecordInput>>();
  private readonly pending = new Pending();

  constructor(
    private readonly targets: FeedbackTargets,
    private readonly metrics: FeedbackMetrics,
  ) {}

  onPrediction(p: ServedPrediction): Promise<void> | undefined {
    // Most models have no monitor: nothing to wait for then.
    if (this.targets.cached(p.model)?.monitors.length === 0) return;
    return this.pending.track(this.send(p));
  }

  private async send(p: ServedPrediction): Promise<void> {
    const { monitors } = await this.targets.of(p.model);
    const ts = new Date().toISOString();
    for (const monitor of monitors) {
      if (monitor.version && monitor.version !== p.version) continue;
      const ingestor = this.ingestorOf(monitor.id);
      let unfit = 0;
      for (let i = 0; i < p.predictionIds.length; i++) {
        const features = namedFeatures(p.instances[i], p.featureNames);
        const facts = {
          id: p.predictionIds[i]!,
          prediction: p.predictions[i],
          probabilities: p.probabilities?.[i],
          latencyMs: p.latencyMs,
          ts,
        };
        const record = features ? driftRecord(monitor, { ...facts, features }) : null;
        if (record) await ingestor.add(record);
        else unfit++;
      }
      if (unfit) this.metrics.dropped.inc({ target: 'drift', reason: 'unfit' }, unfit);
    }
  }

  private ingestorOf(monitorId: string): BatchIngestor<DriftRecordInput> {
    let ingestor = this.ingestors.get(monitorId);
    if (!ingestor) {
      ingestor = this.targets.drift.recordIngestor(monitorId, {
        onFull: 'block',
        maxBatchSize: 1_000,
        flushIntervalMs: 500,
        onError: (err, batch) => {
          if (batch.length) this.metrics.dropped.inc({ target: 'drift', reason: 'refused' }, batch.length);
          this.logger.error(`drift monitor ${monitorId}: ${batch.length} records lost: ${String(err)}`);
        },
      });
      this.ingestors.set(monitorId, ingestor);
    }
    return ingestor;
  }

  async flush(): Promise<void> {
    await this.pending.settle();
    await Promise.all([...this.ingestors.values()].map((i) => i.close()));
  }
}

/** The features of every prediction of a model with a learning pipeline, kept for its label (FeatureStore). */
export class FeaturesTap implements PredictionTap {
  readonly name = 'features';
  private readonly pending = new Pending();

  constructor(
    private readonly targets: FeedbackTargets,
    private readonly store: FeatureStore,
  ) {}

  onPrediction(p: ServedPrediction): Promise<void> | undefined {
    if (this.targets.cached(p.model)?.pipelines.length === 0) return;
    return this.pending.track(this.keep(p));
  }

  private async keep(p: ServedPrediction): Promise<void> {
    const { pipelines } = await this.targets.of(p.model);
    if (!pipelines.length) return;
    for (let i = 0; i < p.predictionIds.length; i++) {
      const features = namedFeatures(p.instances[i], p.featureNames);
      if (features) this.store.keep(p.model, p.predictionIds[i]!, Object.fromEntries(features));
    }
  }

  async flush(): Promise<void> {
    await this.pending.settle();
    await this.store.write();
  }
}

/** Puts the feedback loop's taps on the prediction path. */
@Injectable()
export class FeedbackLoop implements OnModuleInit {
  constructor(
    @Inject(PredictionTaps) private readonly taps: PredictionTaps,
    @Inject(FeedbackTargets) private readonly targets: FeedbackTargets,
    @Inject(FeatureStore) private readonly store: FeatureStore,
    @Inject(FeedbackMetrics) private readonly metrics: FeedbackMetrics,
    @Inject(FeedbackService) private readonly feedback: FeedbackService,
  ) {}

  onModuleInit(): void {
    this.taps.add(new DriftTap(this.targets, this.metrics));
    this.taps.add(new FeaturesTap(this.targets, this.store));
    this.taps.add(this.feedback.asTap());
  }
}
