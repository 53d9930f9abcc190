import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Experiment } from '@modelyard/db';
import {
  forEachIsolated,
  JobHandler,
  MetricsService,
  PrismaService,
  QueueService,
  RedisLock,
  RedisService,
} from '@modelyard/platform';
import { isUnitId, JobName, QueueName } from '@modelyard/types';
import { newAssignmentsKey, stickyAssignmentsKey, stickyRestoredKey } from '../assignment/assignment.service.js';
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
/** A restore not finished in this time (its replica died) is started again by the next tick. */
const RESTORE_TTL_MS = 600_000;

// Marks the restore done, unless Redis lost its keys again meanwhile (the token with them).
// KEYS: restoring token, restored marker.  ARGV: token.
const RESTORED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], '1')
redis.call('DEL', KEYS[1])
return 1
`;

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
    @Inject(MetricsService) private readonly metrics: MetricsService,
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
    const running = await this.prisma.experiment.findMany({ where: { status: 'running' } });
    await this.isolated('experiments-tick', running, (experiment) =>
      this.locked(experiment.id, waitForLock, async () => {
        // Reload under the lock: another replica's tick may have concluded it meanwhile.
        const current = await this.prisma.experiment.findUnique({ where: { id: experiment.id } });
        if (current?.status !== 'running') return;
        await this.persistAssignments(current);
        await this.snapshotStats(current);
        await this.maybeConclude(current, now);
      }),
    );
    await this.drainEnded(now);
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
    const ended = await this.prisma.experiment.findMany({
      where: { status: { in: ['stopped', 'concluded'] }, endedAt: { gte: new Date(now.getTime() - ENDED_DRAIN_MS) } },
    });
    await this.isolated('experiments-drain', ended, async (experiment) => {
      const justEnded = experiment.endedAt!.getTime() > now.getTime() - 2 * TICK_MS;
      if (!justEnded && (await this.redis.client.llen(newAssignmentsKey(experiment.id))) === 0) return;
      await this.locked(experiment.id, false, async () => {
        await this.drainNewAssignments(experiment);
        await this.snapshotStats(experiment);
      });
    });
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
      const data = items.flatMap((item) => {
        const tab = item.indexOf('\t');
        const unit = item.slice(tab + 1);
        // Queued before unit ids were validated (e.g. holding NUL): Postgres would refuse the whole chunk.
        if (isUnitId(unit)) return [{ experimentId: e.id, variant: item.slice(0, tab), unit }];
        const shown = JSON.stringify(unit.slice(0, 64));
        this.logger.warn(`experiment ${e.key}: dropped an assignment with an invalid unit id (${shown})`);
        return [];
      });
      if (data.length) await this.prisma.experimentAssignment.createMany({ data, skipDuplicates: true });
      await this.redis.client.ltrim(queue, items.length, -1);
    }
  }

  /**
   * Puts the persisted assignments back into the sticky hash unless the restored marker says it
   * was done since Redis last lost this experiment's keys: the hash itself may exist again already,
   * recreated by traffic since the loss. HSETNX: a unit assigned meanwhile (looked up in Postgres
   * first, see AssignmentService) keeps its variant.
   */
  private async restoreSticky(e: Experiment) {
    const marker = stickyRestoredKey(e.id);
    if (await this.redis.client.exists(marker)) return;
    const token = randomUUID();
    await this.redis.client.set(`${marker}:token`, token, 'PX', RESTORE_TTL_MS);
    const restored = await this.copySticky(e);
    if (restored) this.logger.warn(`experiment ${e.key}: restored ${restored} sticky assignments from Postgres`);
    await this.redis.client.eval(RESTORED, 2, `${marker}:token`, marker, token);
  }

  /** Copies every persisted assignment into the sticky hash (HSETNX); returns how many were missing. */
  private async copySticky(e: Experiment): Promise<number> {
    const sticky = stickyAssignmentsKey(e.id);
    let copied = 0;
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
      const results = (await pipeline.exec()) ?? [];
      // A unit not put back must not be reported restored: fail, and the next tick tries again.
      const failed = results.find(([err]) => err !== null);
      if (failed) throw failed[0]!;
      copied += results.filter(([, set]) => set === 1).length;
      cursor = rows.at(-1)!.unit;
    }
    return copied;
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
      await this.conclusion.concludeAutomatically(e, 'maximum duration reached');
      return;
    }
    // Only an admin may turn autoPromote on; with nobody on record, nothing is promoted on its own.
    if (!e.autoPromote || !e.autoPromoteEnabledBy) return;
    const { recommendation } = await this.results.of(e);
    if (recommendation.action === 'ship' && recommendation.variant && recommendation.variant !== e.control) {
      await this.conclusion.concludeAutomatically(e, 'auto-promotion');
    }
  }
}
