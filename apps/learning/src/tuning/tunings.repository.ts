import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { decodeCursor, NotFound, PrismaService, recordAudit, UUID_PATTERN } from '@modelyard/platform';
import type { BuiltinLearnerSpec, PageQuery, SampleRow, TrialParams, TuneBody } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { auditPipeline, pipelineTarget } from '../pipelines/pipelines.audit.js';
import { toPipeline } from '../pipelines/pipelines.mapper.js';
import { bestTrial, isFinished, promotions } from './asha.js';
import type { RungResult, Trial, TrialWork, Tuning } from './tuning.js';
import { toSamples, toTrial, toTrialCheckpoint, toTuning } from './tunings.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;
/** The samples snapshot is read only by the workers that learn from it. */
const WITHOUT_SAMPLES = { samples: false } as const;
const WITHOUT_CHECKPOINT = { model: false, progressive: false } as const;
const doc = (state: object): Prisma.InputJsonValue => ({ toJSON: () => state });

/** learning_tunings and learning_trials: the search, its trials and their checkpoints. */
@Injectable()
export class TuningsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async create(o: {
    pipelineId: string;
    request: TuneBody;
    rungs: number[];
    samples: SampleRow[];
    configs: TrialParams[];
    createdBy: string;
  }): Promise<{ tuning: Tuning; trials: Trial[] }> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.learningTuning.create({
        data: {
          pipelineId: o.pipelineId,
          request: o.request,
          rungs: o.rungs,
          samples: o.samples,
          createdBy: o.createdBy,
          trials: { create: o.configs.map((params, index) => ({ index, params })) },
        },
        omit: WITHOUT_SAMPLES,
        include: { trials: { omit: WITHOUT_CHECKPOINT } },
      });
      const pipeline = await tx.learningPipeline.findUniqueOrThrow({ where: { id: o.pipelineId }, select: { model: true } });
      // The request and the trials' configurations; the sample snapshot is data, not a setting.
      const after = { id: row.id, request: o.request, rungs: o.rungs, samples: o.samples.length, trials: o.configs };
      const entry = { actor: o.createdBy, target: pipelineTarget(o.pipelineId), model: pipeline.model, after };
      await recordAudit(tx, 'learning', { action: 'tuning.started', ...entry });
      return { tuning: toTuning(row), trials: row.trials.map(toTrial) };
    }, TX_OPTIONS);
  }

  async get(pipelineId: string, id: string): Promise<{ tuning: Tuning; trials: Trial[] }> {
    const row = UUID_PATTERN.test(id)
      ? await this.prisma.learningTuning.findFirst({
          where: { id, pipelineId },
          omit: WITHOUT_SAMPLES,
          include: { trials: { omit: WITHOUT_CHECKPOINT, orderBy: { index: 'asc' } } },
        })
      : null;
    if (!row) throw new NotFound('tuning', id);
    return { tuning: toTuning(row), trials: row.trials.map(toTrial) };
  }

  /** Newest first, with their trials (without checkpoints). */
  async list(pipelineId: string, query: PageQuery): Promise<{ tuning: Tuning; trials: Trial[] }[]> {
    const cursor = decodeCursor(query.cursor, (raw) => (UUID_PATTERN.test(raw) ? raw : null));
    const rows = await this.prisma.learningTuning.findMany({
      where: { pipelineId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      omit: WITHOUT_SAMPLES,
      include: { trials: { omit: WITHOUT_CHECKPOINT } },
    });
    return rows.map((row) => ({ tuning: toTuning(row), trials: row.trials.map(toTrial) }));
  }

  /** A trial with its checkpoint, its tuning and the samples; null when the trial is gone. */
  async work(trialId: string): Promise<TrialWork | null> {
    const row = await this.prisma.learningTrial.findUnique({ where: { id: trialId }, include: { tuning: true } });
    if (!row) return null;
    return { tuning: toTuning(row.tuning), trial: toTrial(row), checkpoint: toTrialCheckpoint(row), samples: toSamples(row.tuning) };
  }

  async markRunning(trialId: string): Promise<void> {
    await this.prisma.learningTrial.update({ where: { id: trialId }, data: { status: 'running' } });
  }

  /**
   * Saves a finished rung as the trial's checkpoint, only if no other worker saved it first (the
   * trial still has `rungsDone` rungs): so a rung's samples are counted once. Returns whether it did.
   */
  async saveRung(trial: Trial, result: RungResult, rungCount: number): Promise<boolean> {
    const rungsDone = trial.rungsDone + 1;
    const { count } = await this.prisma.learningTrial.updateMany({
      where: { id: trial.id, rungsDone: trial.rungsDone },
      data: {
        rungsDone,
        rungMetrics: [...trial.rungMetrics, result.metric],
        model: doc(result.checkpoint.model),
        progressive: doc(result.checkpoint.progressive),
        sampleUpdates: { increment: result.learned },
        status: rungsDone >= rungCount ? 'completed' : rungsDone < trial.rungTarget ? 'queued' : 'waiting',
      },
    });
    return count === 1;
  }

  async failTrial(trialId: string, detail: string): Promise<void> {
    await this.prisma.learningTrial.update({ where: { id: trialId }, data: { status: 'failed', detail: detail.slice(0, 2000) } });
  }

  /**
   * The ASHA decision after a rung, under a row lock on the tuning so two workers never promote
   * from the same state: promotes trials, records the best, completes the tuning when nothing is
   * left to run. Returns the trials that have a rung to run (their jobs are queued by the caller).
   */
  async decide(tuningId: string): Promise<Trial[]> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM learning_tunings WHERE id = ${tuningId}::uuid FOR UPDATE`;
      const tuning = toTuning(await tx.learningTuning.findUniqueOrThrow({ where: { id: tuningId }, omit: WITHOUT_SAMPLES }));
      const trials = (await tx.learningTrial.findMany({ where: { tuningId }, omit: WITHOUT_CHECKPOINT })).map(toTrial);
      const { eta } = tuning.request.budget;
      const { direction } = tuning.request;
      const states = trials.map((t) => ({ ...t, failed: t.status === 'failed' }));
      const promoted = new Set(promotions(states, tuning.rungs.length, eta, direction));
      for (const t of trials.filter((x) => promoted.has(x.index))) {
        t.rungTarget += 1;
        t.status = 'queued';
        await tx.learningTrial.update({ where: { id: t.id }, data: { rungTarget: t.rungTarget, status: 'queued' } });
      }
      const best = bestTrial(states, direction);
      const finished = isFinished(
        trials.map((t) => ({ ...t, failed: t.status === 'failed' })),
        tuning.rungs.length,
        eta,
        direction,
      );
      const anyAlive = trials.some((t) => t.status !== 'failed');
      await tx.learningTuning.update({
        where: { id: tuningId },
        data: {
          bestTrialId: best === null ? null : trials.find((t) => t.index === best)!.id,
          ...(finished && tuning.status === 'running' ? { status: anyAlive ? 'completed' : 'failed', finishedAt: new Date() } : {}),
        },
      });
      return trials.filter((t) => t.status !== 'failed' && t.rungsDone < t.rungTarget);
    }, TX_OPTIONS);
  }

  /**
   * Sets the pipeline's learner to a tuned one and records on the tuning who did it and when (the
   * pipeline change's audit), in one transaction.
   */
  async apply(tuning: Tuning, learner: BuiltinLearnerSpec, who: string): Promise<Pipeline> {
    return this.prisma.$transaction(async (tx) => {
      await tx.learningTuning.update({ where: { id: tuning.id }, data: { appliedBy: who, appliedAt: new Date() } });
      const before = toPipeline(await tx.learningPipeline.findUniqueOrThrow({ where: { id: tuning.pipelineId } }));
      const after = toPipeline(await tx.learningPipeline.update({ where: { id: tuning.pipelineId }, data: { learner } }));
      await auditPipeline(tx, 'tuning.applied', who, before, after, `tuning ${tuning.id}`);
      return after;
    }, TX_OPTIONS);
  }
}
