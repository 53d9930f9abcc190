import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { forEachIsolated, JobHandler, MetricsService, QueueService, RedisLock } from '@modelyard/platform';
import { JobName, QueueName } from '@modelyard/types';
import { StickyPersistenceService } from '../assignment/sticky-persistence.service.js';
import { BanditService } from '../bandit/bandit.service.js';
import { tickConclusion } from '../conclusion/conclusion-policy.js';
import { ConclusionService } from '../conclusion/conclusion.service.js';
import { StatsSnapshotService } from '../outcomes/stats-snapshot.service.js';
import { ResultsService } from '../results/results.service.js';
import type { Experiment } from './experiment.js';
import { ExperimentsRepository } from './experiments.repository.js';
import { experimentKey } from '../experiment-keys.js';

/** How often running experiments are persisted and re-checked. */
export const TICK_MS = 10_000;
/** The tick lock expires this long after its last heartbeat (a replica that died mid-tick frees it). */
const LOCK_SECONDS = 60;
/** How long after its end an experiment's leftover assignments are still drained. */
const ENDED_DRAIN_MS = 3_600_000;

/**
 * The experiments service's background work, one repeatable BullMQ job for all running
 * experiments: persist new sticky assignments and snapshot the sufficient statistics to Postgres
 * (restoring both into Redis if Redis lost them), conclude experiments past `maxDurationHours`,
 * and with `autoPromote` conclude and promote as soon as the results recommend shipping.
 */
@Injectable()
export class ExperimentsTick implements OnApplicationBootstrap {
  private readonly logger = new Logger(ExperimentsTick.name);

  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(RedisLock) private readonly lock: RedisLock,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(StickyPersistenceService) private readonly sticky: StickyPersistenceService,
    @Inject(StatsSnapshotService) private readonly snapshots: StatsSnapshotService,
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(ConclusionService) private readonly conclusion: ConclusionService,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(BanditService) private readonly bandit: BanditService,
  ) {}

  async onApplicationBootstrap() {
    // Idempotent: every replica upserts the same scheduler, BullMQ runs it once per interval.
    await this.queues.schedule(QueueName.experimentsTick, JobName.experimentsTick, 'experiments-tick', TICK_MS, {});
  }

  @JobHandler(QueueName.experimentsTick, JobName.experimentsTick)
  async handle() {
    await this.tick();
  }

  /**
   * One pass over the running experiments. The scheduled job skips an experiment another replica
   * is ticking; `waitForLock` (on-demand callers) waits for that tick to finish instead. One
   * experiment failing (bad data, a registry error) is logged and counted, and retried by the next
   * tick; the others go on.
   */
  async tick(now = new Date(), waitForLock = false): Promise<void> {
    const running = await this.experiments.running();
    await this.isolated('experiments-tick', running, (experiment) =>
      this.locked(experiment.id, waitForLock, async () => {
        // Reload under the lock: another replica's tick may have concluded it meanwhile.
        const current = await this.experiments.find(experiment.id);
        if (current?.status !== 'running') return;
        await this.sticky.drain(current);
        await this.sticky.restore(current);
        await this.snapshots.snapshot(current, now);
        await this.bandit.reweigh(current, now);
        await this.maybeConclude(current, now);
      }),
    );
    await this.drainEnded(now);
    await this.isolated('experiments-approvals', await this.experiments.awaitingApprovals(), (e) =>
      this.locked(e.id, waitForLock, async () => {
        // Reload under the lock: another replica's tick may have promoted it meanwhile.
        const current = await this.experiments.find(e.id);
        if (current) await this.conclusion.retryAwaitingPromotion(current);
      }),
    );
  }

  private async isolated(loop: string, experiments: Experiment[], work: (e: Experiment) => Promise<void>) {
    await forEachIsolated(experiments, work, {
      loop,
      logger: this.logger,
      failures: this.metrics.backgroundFailures,
      describe: (e) => `experiment ${e.key}`,
    });
  }

  /**
   * Units assigned in the moments before an experiment stopped are still in its Redis queue: the
   * ticks for an hour after its end persist them, and the first ticks after it take the final
   * statistics. Past those, an experiment with nothing queued costs one LLEN.
   */
  private async drainEnded(now: Date) {
    const ended = await this.experiments.endedSince(new Date(now.getTime() - ENDED_DRAIN_MS));
    await this.isolated('experiments-drain', ended, async (experiment) => {
      const justEnded = (experiment.endedAt?.getTime() ?? 0) > now.getTime() - 2 * TICK_MS;
      if (!justEnded && (await this.sticky.queued(experiment.id)) === 0) return;
      await this.locked(experiment.id, false, async () => {
        await this.sticky.drain(experiment);
        await this.snapshots.snapshot(experiment, now);
      });
    });
  }

  /** One tick per experiment at a time across replicas; skipped (or, with `wait`, waited for) when held. */
  private async locked(experimentId: string, wait: boolean, work: () => Promise<void>): Promise<void> {
    const lockMs = LOCK_SECONDS * 1000;
    await this.lock.run(experimentKey(experimentId, 'tick-lock'), randomUUID(), work, {
      ttlMs: lockMs,
      waitMs: wait ? lockMs : 0,
    });
  }

  private async maybeConclude(e: Experiment, now: Date) {
    const reason = await tickConclusion(e, now, async () => (await this.results.of(e)).recommendation);
    if (reason) await this.conclusion.concludeAutomatically(e, reason);
  }
}
