import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConflictError, type BatchIngestor, type Exposure } from '@modelyard/sdk';
import type { ServingSettings } from '../config.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { PredictionTaps, type PredictionTap, type ServedPrediction } from '../taps/prediction-taps.js';
import { ExperimentsSource } from './experiments.source.js';
import { RoutingMetrics } from './routing.metrics.js';

/** Units remembered as exposed, so a hot unit is not sent again on every call (as LocalAssigner does). */
const EXPOSED_MEMORY = 100_000;

/**
 * Records the exposure of every unit a predict call routed into an experiment, through the SDK's
 * batching ingestor (one per experiment) with `onFull: 'block'`: when the log is full the tap waits
 * for room (off the request path) instead of dropping. Sent without the variant: the service counts
 * it in the unit's sticky variant, the one that answered. At shutdown, after the drain, flush()
 * waits for exposures still waiting for room and sends everything queued.
 */
@Injectable()
export class ExposureTap implements PredictionTap, OnModuleInit {
  readonly name = 'exposures';
  private readonly logger = new Logger(ExposureTap.name);
  private readonly logs = new Map<string, BatchIngestor<Exposure>>();
  private readonly exposed = new Set<string>();
  private readonly adding = new Set<Promise<unknown>>();

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(PredictionTaps) private readonly taps: PredictionTaps,
    @Inject(ExperimentsSource) private readonly source: ExperimentsSource,
    @Inject(RoutingMetrics) private readonly metrics: RoutingMetrics,
  ) {}

  onModuleInit(): void {
    this.taps.add(this);
  }

  onPrediction(p: ServedPrediction): Promise<void> | undefined {
    const { experiment, unit } = p;
    // Not async: a call routed into no experiment (most) costs no promise.
    if (!experiment || !unit) return;
    // Experiment keys hold no spaces (ExperimentKey): the pair is unambiguous.
    const seen = `${experiment} ${unit}`;
    if (this.exposed.has(seen)) return;
    if (this.exposed.size >= EXPOSED_MEMORY) this.exposed.clear();
    this.exposed.add(seen);
    this.metrics.exposures.inc({ experiment });
    return this.record(experiment, unit);
  }

  private async record(experiment: string, unit: string): Promise<void> {
    const adding = this.log(experiment).add({ unit });
    this.adding.add(adding);
    try {
      await adding;
    } finally {
      this.adding.delete(adding);
    }
  }

  async flush(): Promise<void> {
    // Exposures blocked on a full log are queued as the log drains: wait for them, then send all.
    await Promise.allSettled([...this.adding]);
    await Promise.all([...this.logs.values()].map((log) => log.close()));
  }

  private log(experiment: string): BatchIngestor<Exposure> {
    let log = this.logs.get(experiment);
    if (!log) {
      log = this.source.exposureLog(experiment, {
        onFull: 'block',
        flushIntervalMs: this.settings.exposureFlushMs,
        onError: (err, batch) => this.lost(experiment, err, batch),
      });
      this.logs.set(experiment, log);
    }
    return log;
  }

  private lost(experiment: string, err: unknown, batch: Exposure[]): void {
    // The experiment stopped or concluded while the batch waited (409): exposures after its end
    // count for nothing, so they are told apart from exposures a running experiment never got.
    if (err instanceof ConflictError) {
      this.metrics.exposuresAfterEnd.inc({ experiment }, batch.length);
      this.logger.log(`experiment ${experiment}: ${batch.length} exposures arrived after it ended: ${err.message}`);
      return;
    }
    this.metrics.exposuresLost.inc({ experiment }, batch.length);
    // Not remembered as exposed: a unit's next call tries again.
    for (const e of batch) this.exposed.delete(`${experiment} ${e.unit}`);
    this.logger.warn(`experiment ${experiment}: ${batch.length} exposures lost: ${err instanceof Error ? err.message : String(err)}`);
  }
}
