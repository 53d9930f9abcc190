import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { OutboxEventNotice } from '@modelyard/types';
import { forEachIsolated } from '../background/for-each-isolated.js';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { ChangeAnnouncer } from '../events/change-announcer.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DeliveryQueue } from './delivery-queue.js';
import { WebhooksRepository } from './webhooks.repository.js';

const BATCH = 100;
/** Overdue deliveries are looked for this often, and count as lost once this late. */
const SWEEP_EVERY_MS = 30_000;
const LOST_AFTER_MS = 60_000;
/** Deliveries queued at once (each is a couple of Redis round trips). */
const ENQUEUE_CONCURRENCY = 16;
/** This many deliveries failing in a row means Redis is down, not one delivery damaged: the pass ends. */
const FAILURES_IN_A_ROW = 5;

/**
 * Moves committed outbox rows into the webhooks queue. Runs where workers run; every replica may
 * run it (rows are claimed with SKIP LOCKED). Undispatched rows simply wait in Postgres while no
 * dispatcher runs, so a restart loses nothing: the next process picks them up. Deliveries are
 * queued after their rows commit; if the process dies in between, or Redis loses its jobs, the
 * sweep finds them pending and overdue and queues them again (a job id per delivery makes a
 * second enqueue of a still-queued delivery a no-op).
 *
 * Each dispatched event is also announced on Redis (OUTBOX_EVENTS_CHANNEL) after its row has
 * committed, so subscribers that read the change back (the serving service) see it at once. An
 * announcement lost to a Redis failure is not repeated: subscribers reconcile periodically.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastSweep = 0;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(WebhooksRepository) private readonly repository: WebhooksRepository,
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
  ) {}

  onApplicationBootstrap() {
    if (this.config.queues.runWorkers) this.schedule(0);
  }

  private schedule(delay: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => this.schedule(this.config.webhooks.outboxPollMs));
    }, delay);
  }

  /** One pass: dispatch until the outbox is drained, then (now and then) re-queue lost deliveries. */
  async pass(): Promise<void> {
    try {
      for (let rows = BATCH; rows === BATCH && !this.stopped;) {
        const batch = await this.repository.dispatchBatch(BATCH);
        await this.enqueue(batch.deliveryIds);
        await this.announce(batch.notices);
        rows = batch.rows;
      }
      if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) {
        this.lastSweep = Date.now();
        const lost = await this.repository.overdueDeliveries(new Date(Date.now() - LOST_AFTER_MS), BATCH);
        if (lost.length) {
          this.logger.warn(`re-queueing ${lost.length} overdue webhook deliveries`);
          await this.enqueue(lost);
        }
      }
    } catch (err) {
      // Postgres or Redis is down: the rows stay in the outbox and the next pass tries again.
      this.logger.warn(`outbox dispatch failed, will retry: ${String(err)}`);
    }
  }

  /**
   * One delivery that cannot be queued (e.g. its job key is damaged in Redis) must not hold back
   * the others: it is counted and left pending, and the sweep queues it again once overdue.
   */
  private async enqueue(deliveryIds: string[]): Promise<void> {
    const outcome = await forEachIsolated(deliveryIds, (id) => this.queue.enqueue([id]), {
      loop: 'webhook-outbox',
      logger: this.logger,
      failures: this.metrics.backgroundFailures,
      describe: (id) => `delivery ${id}`,
      concurrency: ENQUEUE_CONCURRENCY,
      stopAfterFailuresInARow: FAILURES_IN_A_ROW,
    });
    if (outcome.stopped) throw new Error(`${FAILURES_IN_A_ROW} deliveries in a row could not be queued`);
  }

  private async announce(notices: OutboxEventNotice[]): Promise<void> {
    for (const notice of notices) await this.announcer.announce(notice.event, notice.model);
  }

  async onModuleDestroy() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
