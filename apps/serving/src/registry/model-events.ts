import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChannelSubscription, PLATFORM_CONFIG, type PlatformConfig } from '@modelyard/platform';
import { CHANGE_NOTICES, OUTBOX_EVENTS_CHANNEL, OutboxEventNotice } from '@modelyard/types';
import { ExperimentWatch } from '../experiments/experiment-watch.js';
import { FeedbackTargets } from '../feedback/feedback-targets.js';
import { Reconciler } from '../models/reconciler.js';

/** Events after which what a model serves may have changed. */
const SERVING_EVENTS = new Set(['version.promoted', 'version.rolled_back', 'version.stage_changed', 'alias.set', 'alias.deleted']);

/**
 * Listens to the change announcements (`<REDIS_PREFIX>:events`, published once the change has
 * committed): the registry's (the model concerned is reconciled at once), the experiments
 * service's (running experiments are listed again) and drift's and learning's (the model's
 * monitors and pipelines are listed again at its next prediction). Announcements are not
 * replayed: after the connection comes back, everything is reconciled; the periodic reconcile
 * covers the rest.
 */
@Injectable()
export class ModelEvents implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ModelEvents.name);
  private readonly channel: string;
  private subscription?: ChannelSubscription;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Inject(ExperimentWatch) private readonly experiments: ExperimentWatch,
    @Inject(FeedbackTargets) private readonly targets: FeedbackTargets,
  ) {
    this.channel = `${config.redis.prefix}:${OUTBOX_EVENTS_CHANNEL}`;
  }

  async onModuleInit(): Promise<void> {
    this.subscription = await ChannelSubscription.open(this.config.redis, this.channel, {
      message: (raw) => this.heard(raw),
      // Announcements made while disconnected are lost: catch up on everything.
      listening: (again) => {
        if (again) void this.reconciler.reconcileAll();
      },
      failed: (err) => this.logger.warn(`no change announcements (${String(err)}): changes are seen at the periodic reconcile`),
    });
  }

  private heard(raw: string): void {
    let notice: OutboxEventNotice;
    try {
      notice = OutboxEventNotice.parse(JSON.parse(raw));
    } catch {
      return this.logger.warn(`ignored a malformed announcement: ${raw.slice(0, 200)}`);
    }
    const { event, model } = notice;
    if (!model || !this.reconciler.inScope(model)) return;
    if (event === CHANGE_NOTICES.experiment) return this.experiments.refreshNow();
    if (event === CHANGE_NOTICES.monitor || event === CHANGE_NOTICES.pipeline) return this.targets.forget(model);
    if (!SERVING_EVENTS.has(event)) return;
    this.reconciler
      .reconcile(model)
      .catch((err: unknown) => this.logger.warn(`reconciling ${model} after ${event} failed: ${String(err)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
