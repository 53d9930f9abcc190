import { Inject, Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '@modelyard/platform';
import type { PredictBody } from '@modelyard/types';

/** One answered POST /v1/models/:name/predict, as the work after the response sees it. */
export interface ServedPrediction {
  model: string;
  version: string;
  instances: PredictBody['instances'];
  /** The version's input schema, in order: names the values of array instances. */
  featureNames?: readonly string[];
  predictions: unknown[];
  /** Per instance, when the version has a probabilities output (asked for or not). */
  probabilities?: number[][];
  predictionIds: string[];
  /** Inference time of the whole call, milliseconds. */
  latencyMs: number;
  unit?: string;
  experiment?: string;
  variant?: string;
}

/** Work done with every prediction after it was answered: exposures, prediction logs, shadow scoring. */
export interface PredictionTap {
  /** Names the tap in logs and in `ml_background_failures_total{loop="serving-<name>"}`. */
  readonly name: string;
  /**
   * Must not block: queue the work. Runs after the response is on its way. Called for every
   * prediction: with nothing to do for it, return at once (no promise).
   */
  onPrediction(prediction: ServedPrediction): void | Promise<void>;
  /** Hands over what is queued; called once at shutdown after in-flight requests were drained. */
  flush?(): Promise<void>;
}

/**
 * The taps on the prediction path. A tap never slows or fails a response: it runs on the next turn
 * of the event loop, and its errors are logged and counted, never thrown to the caller.
 */
@Injectable()
export class PredictionTaps {
  private readonly logger = new Logger(PredictionTaps.name);
  private readonly taps: PredictionTap[] = [];

  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  add(tap: PredictionTap): void {
    this.taps.push(tap);
  }

  emit(prediction: ServedPrediction): void {
    if (!this.taps.length) return;
    setImmediate(() => {
      for (const tap of this.taps) {
        try {
          const work = tap.onPrediction(prediction);
          if (work) work.catch((err: unknown) => this.failed(tap, prediction, err));
        } catch (err) {
          this.failed(tap, prediction, err);
        }
      }
    });
  }

  /** At shutdown: every tap hands over what it queued (each on its own; one failing does not stop the others). */
  async flush(): Promise<void> {
    // Taps emitted by the last requests run on the next turn: let them queue first.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(this.taps.map((tap) => this.flushOne(tap)));
  }

  private async flushOne(tap: PredictionTap): Promise<void> {
    try {
      await tap.flush?.();
    } catch (err) {
      this.metrics.backgroundFailures.inc({ loop: `serving-${tap.name}` });
      this.logger.error(`${tap.name}: flush at shutdown failed: ${String(err)}`);
    }
  }

  private failed(tap: PredictionTap, p: ServedPrediction, err: unknown): void {
    this.metrics.backgroundFailures.inc({ loop: `serving-${tap.name}` });
    this.logger.error(`${tap.name}: ${p.model}@${p.version}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
