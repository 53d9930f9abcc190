import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  forEachIsolated,
  JobHandler,
  MetricsService,
  PLATFORM_CONFIG,
  QueueService,
  UnrecoverableError,
  type PlatformConfig,
} from '@modelyard/platform';
import { DriftCheckJob, JobName, QueueName } from '@modelyard/types';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { RollUpStore } from '../window/roll-up-store.js';
import { ChecksService, MONITOR_DELETED } from './checks.service.js';

export const schedulerId = (monitorId: string) => `drift-monitor-${monitorId}`;

/**
 * The worker side of checks, and the repeatable schedule of each monitor (a BullMQ job
 * scheduler per monitor: BullMQ produces one job per interval whatever the number of replicas).
 */
@Injectable()
export class ChecksProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(ChecksProcessor.name);

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ChecksService) private readonly checks: ChecksService,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(RollUpStore) private readonly rollUps: RollUpStore,
  ) {}

  /**
   * Re-creates the schedulers of active monitors (idempotent; restores them if Redis lost them).
   * A monitor whose scheduler cannot be written is logged and counted; the others still get theirs.
   */
  async onApplicationBootstrap() {
    if (!this.config.queues.runWorkers) return;
    await forEachIsolated(await this.monitors.active(), (m) => this.schedule(m.id, m.everySeconds), {
      loop: 'drift-schedules',
      logger: this.logger,
      failures: this.metrics.backgroundFailures,
      describe: (m) => `monitor ${m.model}/${m.name} (${m.id})`,
    });
  }

  async schedule(monitorId: string, everySeconds: number) {
    const data: DriftCheckJob = { monitorId, trigger: 'schedule' };
    await this.queues.schedule(QueueName.driftChecks, JobName.driftCheck, schedulerId(monitorId), everySeconds * 1000, data);
  }

  async unschedule(monitorId: string) {
    await this.queues.unschedule(QueueName.driftChecks, schedulerId(monitorId));
  }

  @JobHandler(QueueName.driftChecks, JobName.driftCheck, { concurrency: 2 })
  async handle(data: unknown) {
    const parsed = DriftCheckJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`malformed drift.check payload: ${parsed.error.message}`);
    const outcome = await this.checks.run(parsed.data);
    if (outcome.status === 'skipped') this.logger.debug(`check of ${parsed.data.monitorId} skipped: ${outcome.reason}`);
    // A scheduler left behind by a delete that failed half-way stops at its first run.
    if (outcome.status === 'skipped' && outcome.reason === MONITOR_DELETED) await this.unschedule(parsed.data.monitorId);
    else if (parsed.data.trigger === 'schedule') await this.rollUpDays(parsed.data.monitorId);
    return outcome;
  }

  /**
   * Keeps the monitor's roll-ups current (each day's ends, the current day's start), so
   * time-window checks find them made (a check makes a missing one itself, at the cost of merging
   * its hours). Best effort: a failure is logged, and the check's outcome stands.
   */
  private async rollUpDays(monitorId: string) {
    try {
      const monitor = await this.monitors.find(monitorId);
      if (monitor) await this.rollUps.refresh(monitor.id, monitor.features);
    } catch (err) {
      this.logger.warn(`roll-up of monitor ${monitorId} failed: ${(err as Error).message}`);
    }
  }
}
