import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ServingSettings } from '../config.js';
import { Reconciler } from '../models/reconciler.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { RunningExperiments } from './running-experiments.js';

/**
 * Running experiments are listed every SERVING_EXPERIMENTS_POLL_SECONDS, one call for all models,
 * and at once when the experiments service announces a change (`experiment.changed`); a model
 * whose running experiments changed (one started, stopped, concluded) is reconciled at once.
 * Weight and coverage changes need nothing here: the service assigns the units. The full
 * reconcile lists them too, as the safety net.
 */
@Injectable()
export class ExperimentWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ExperimentWatch.name);
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  // A change announced while a listing runs: list once more right after it.
  private again = false;
  private stopped = false;

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(RunningExperiments) private readonly running: RunningExperiments,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** An experiment changed (announced): list now instead of at the next poll. */
  refreshNow(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.run();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), this.settings.experimentsPollMs);
  }

  private run(): void {
    if (this.stopped) return;
    this.polling = this.poll()
      .catch((err: unknown) => this.logger.warn(`listing running experiments failed: ${String(err)}`))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          this.run();
        } else this.schedule();
      });
  }

  private async poll(): Promise<void> {
    const changed = (await this.running.refresh()) ?? [];
    for (const model of changed) {
      if (this.stopped || !this.reconciler.inScope(model)) continue;
      this.reconciler
        .reconcile(model)
        .catch((err: unknown) => this.logger.warn(`reconciling ${model} after its experiments changed failed: ${String(err)}`));
    }
  }
}
