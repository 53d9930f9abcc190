import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Experiment } from '@modelyard/db';
import { JobHandler, PrismaService, QueueService, RedisLock, RedisService, type Principal } from '@modelyard/platform';
import { JobName, QueueName, scopesOf } from '@modelyard/types';
import { newAssignmentsKey, stickyAssignmentsKey } from '../assignment/assignment.service.js';
import { ConclusionService } from '../conclusion/conclusion.service.js';
import { OutcomesStore } from '../outcomes/outcomes.store.js';
import { ResultsService } from '../results/results.service.js';

/** How often running experiments are persisted and re-checked. */
export const TICK_MS = 10_000;
const CHUNK = 5_000;
/** The tick lock expires this long after its last heartbeat (a replica that died mid-tick frees it). */
const LOCK_SECONDS = 60;
/** How long after its end an experiment's leftover assignments are still drained. */
const ENDED_DRAIN_MS = 3_600_000;

const SERVICE_PRINCIPAL: Principal = { kind: 'jwt', id: 'service:experiments', roles: ['admin'], scopes: scopesOf(['admin']) };

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
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(RedisLock) private readonly lock: RedisLock,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(ConclusionService) private readonly conclusion: ConclusionService,
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
   * is ticking; `waitForLock` (on-demand callers) waits for that tick to finish instead.
   */
  async tick(now = new Date(), waitForLock = false): Promise<void> {
    const running = await this.prisma.experiment.findMany({ where: { status: 'running' } });
    for (const experiment of running) {
      await this.locked(experiment.id, waitForLock, async () => {
        // Reload under the lock: another replica's tick may have concluded it meanwhile.
        const current = await this.prisma.experiment.findUnique({ where: { id: experiment.id } });
        if (current?.status !== 'running') return;
        await this.persistAssignments(current);
        await this.snapshotStats(current);
        await this.maybeConclude(current, now);
      });
    }
    await this.drainEnded(now);
  }

  /**
   * Units assigned in the moments before an experiment stopped are still in its Redis queue: the
   * ticks for an hour after its end persist them, and the first ticks after it take the final
   * statistics. Past those, an experiment with nothing queued costs one LLEN.
   */
  private async drainEnded(now: Date) {
    const ended = await this.prisma.experiment.findMany({
      where: { status: { in: ['stopped', 'concluded'] }, endedAt: { gte: new Date(now.getTime() - ENDED_DRAIN_MS) } },
    });
    for (const experiment of ended) {
      const justEnded = experiment.endedAt!.getTime() > now.getTime() - 2 * TICK_MS;
      if (!justEnded && (await this.redis.client.llen(newAssignmentsKey(experiment.id))) === 0) continue;
      await this.locked(experiment.id, false, async () => {
        await this.drainNewAssignments(experiment);
        await this.snapshotStats(experiment);
      });
    }
  }

  /** One tick per experiment at a time across replicas; skipped (or, with `wait`, waited for) when held. */
  private async locked(experimentId: string, wait: boolean, work: () => Promise<void>): Promise<void> {
    const lockMs = LOCK_SECONDS * 1000;
    await this.lock.run(`exp:${experimentId}:tick-lock`, randomUUID(), work, { ttlMs: lockMs, waitMs: wait ? lockMs : 0 });
  }

  private async persistAssignments(e: Experiment) {
    await this.drainNewAssignments(e);
    await this.restoreSticky(e);
  }

  private async drainNewAssignments(e: Experiment) {
    const queue = newAssignmentsKey(e.id);
    for (;;) {
      // Read, insert, then trim: a crash in between repeats the inserts (skipped as duplicates), never loses them.
      const items = await this.redis.client.lrange(queue, 0, CHUNK - 1);
      if (!items.length) break;
      const data = items.map((item) => {
        const tab = item.indexOf('\t');
        return { experimentId: e.id, variant: item.slice(0, tab), unit: item.slice(tab + 1) };
      });
      await this.prisma.experimentAssignment.createMany({ data, skipDuplicates: true });
      await this.redis.client.ltrim(queue, items.length, -1);
    }
  }

  private async restoreSticky(e: Experiment) {
    const sticky = stickyAssignmentsKey(e.id);
    if (await this.redis.client.exists(sticky)) return;
    // Redis lost the sticky hash: put the persisted assignments back before units get re-hashed.
    let cursor: string | undefined;
    for (;;) {
      const rows = await this.prisma.experimentAssignment.findMany({
        where: { experimentId: e.id },
        orderBy: { unit: 'asc' },
        take: CHUNK,
        ...(cursor ? { cursor: { experimentId_unit: { experimentId: e.id, unit: cursor } }, skip: 1 } : {}),
      });
      if (!rows.length) break;
      const pipeline = this.redis.client.pipeline();
      for (const r of rows) pipeline.hsetnx(sticky, r.unit, r.variant);
      await pipeline.exec();
      cursor = rows.at(-1)!.unit;
      this.logger.warn(`experiment ${e.key}: restored ${rows.length} sticky assignments from Postgres`);
    }
  }

  private async snapshotStats(e: Experiment) {
    const { n, sums } = await this.store.raw(e.id);
    const live = [
      ...Object.entries(n).map(([variant, v]) => ({ variant, metric: '', value: Number(v) })),
      ...Object.entries(sums).map(([field, v]) => {
        const [variant, ...rest] = field.split('|');
        return { variant: variant!, metric: rest.join('|'), value: Number(v) };
      }),
    ];
    if (live.length) {
      await this.prisma.$transaction(
        live.map((s) =>
          this.prisma.experimentStat.upsert({
            where: { experimentId_variant_metric: { experimentId: e.id, variant: s.variant, metric: s.metric } },
            create: { experimentId: e.id, ...s },
            update: { value: s.value },
          }),
        ),
      );
      return;
    }
    const saved = await this.prisma.experimentStat.findMany({ where: { experimentId: e.id } });
    if (!saved.length) return;
    // Redis lost the aggregates: results come back from the last snapshot.
    const restoredN: Record<string, number> = {};
    const restoredSums: Record<string, number> = {};
    for (const s of saved) {
      if (s.metric === '') restoredN[s.variant] = s.value;
      else restoredSums[`${s.variant}|${s.metric}`] = s.value;
    }
    await this.store.restore(e.id, restoredN, restoredSums);
    this.logger.warn(`experiment ${e.key}: restored sufficient statistics from the snapshot`);
  }

  private async maybeConclude(e: Experiment, now: Date) {
    const overdue = e.maxDurationHours !== null && e.startedAt !== null && now.getTime() - e.startedAt.getTime() > e.maxDurationHours * 3_600_000;
    if (overdue) {
      await this.conclusion.conclude(e.key, { promote: e.autoPromote, reason: 'maximum duration reached' }, SERVICE_PRINCIPAL);
      return;
    }
    if (!e.autoPromote) return;
    const { recommendation } = await this.results.of(e);
    if (recommendation.action === 'ship' && recommendation.variant && recommendation.variant !== e.control) {
      await this.conclusion.conclude(e.key, { promote: true, reason: 'auto-promotion' }, SERVICE_PRINCIPAL);
    }
  }
}
