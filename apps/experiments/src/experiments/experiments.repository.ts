import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type Experiment } from '@modelyard/db';
import { AlreadyExists, Conflict, decodeCursor, InvalidTransition, NotFound, PrismaService } from '@modelyard/platform';
import type { CreateExperimentBody, ExperimentStatus, ListExperimentsQuery, UpdateExperimentBody } from '@modelyard/types';
import { variantsOf } from './experiments.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/** Where each status may go; `start`, `stop` and `conclude` are the only ways to move. */
export const EXPERIMENT_TRANSITIONS: Record<ExperimentStatus, readonly ExperimentStatus[]> = {
  draft: ['running'],
  running: ['stopped', 'concluded'],
  stopped: ['running', 'concluded'],
  concluded: [],
};

@Injectable()
export class ExperimentsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async create(body: CreateExperimentBody, actor: string, autoPromoteEnabledBy: string | null): Promise<Experiment> {
    try {
      return await this.prisma.experiment.create({
        data: {
          key: body.key,
          model: body.model,
          description: body.description ?? null,
          variants: body.variants,
          control: body.control,
          coverage: body.coverage,
          // GrowthBook's default seed is the experiment key; the same default keeps SDKs interchangeable.
          seed: body.seed ?? body.key,
          primaryMetric: body.primaryMetric,
          guardrails: body.guardrails,
          minSampleSize: body.minSampleSize ?? null,
          sequential: body.sequential,
          alpha: body.alpha,
          autoPromote: body.autoPromote,
          autoPromoteEnabledBy,
          maxDurationHours: body.maxDurationHours ?? null,
          createdBy: actor,
        },
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AlreadyExists('experiment', body.key);
      throw err;
    }
  }

  list(query: ListExperimentsQuery) {
    const cursor = decodeCursor(query.cursor, (raw) => (raw.length > 0 && raw.length <= 128 ? raw : null));
    return this.prisma.experiment.findMany({
      where: { ...(query.status ? { status: query.status } : {}), ...(query.model ? { model: query.model } : {}) },
      orderBy: { key: 'asc' },
      take: query.limit + 1,
      ...(cursor ? { cursor: { key: cursor }, skip: 1 } : {}),
    });
  }

  async get(key: string): Promise<Experiment> {
    const row = await this.prisma.experiment.findUnique({ where: { key } });
    if (!row) throw new NotFound('experiment', key);
    return row;
  }

  /**
   * Weight, coverage, guardrail and autoPromote changes; allowed while draft or running. Weights and
   * coverage bump the revision. `autoPromoteEnabledBy` comes with `body.autoPromote` (null: off).
   */
  update(key: string, body: UpdateExperimentBody, autoPromoteEnabledBy?: string | null): Promise<Experiment> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM experiments_experiments WHERE key = ${key} FOR UPDATE`;
      if (!locked[0]) throw new NotFound('experiment', key);
      const row = await tx.experiment.findUniqueOrThrow({ where: { key } });
      if (row.status === 'stopped' || row.status === 'concluded') throw new Conflict(`experiment '${key}' is ${row.status}; it can no longer change`);
      const variants = variantsOf(row);
      const unknown = Object.keys(body.weights ?? {}).filter((k) => !variants.some((v) => v.key === k));
      if (unknown.length) throw new Conflict(`unknown variant(s): ${unknown.join(', ')}`, { unknownVariants: unknown });
      return tx.experiment.update({
        where: { key },
        data: {
          ...(body.weights ? { variants: variants.map((v) => ({ ...v, weight: body.weights?.[v.key] ?? v.weight })) } : {}),
          ...(body.coverage !== undefined ? { coverage: body.coverage } : {}),
          ...(body.guardrails ? { guardrails: body.guardrails } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.autoPromote !== undefined
            ? { autoPromote: body.autoPromote, autoPromoteEnabledBy: autoPromoteEnabledBy ?? null }
            : {}),
          ...(body.weights || body.coverage !== undefined ? { revision: { increment: 1 } } : {}),
        },
      });
    }, TX_OPTIONS);
  }

  /** The persisted sticky assignments of these units (see ExperimentsTick; read while Redis is not restored). */
  persistedAssignments(experimentId: string, units: string[]): Promise<{ unit: string; variant: string }[]> {
    return this.prisma.experimentAssignment.findMany({
      where: { experimentId, unit: { in: units } },
      select: { unit: true, variant: true },
    });
  }

  /**
   * Claims the conclusion: running/stopped → concluded, atomically, so of two concurrent calls
   * exactly one goes on to promote. Returns the concluded row.
   */
  async claimConclusion(key: string, placeholder: object): Promise<Experiment> {
    const { count } = await this.prisma.experiment.updateMany({
      where: { key, status: { in: ['running', 'stopped'] } },
      data: { status: 'concluded', endedAt: new Date(), revision: { increment: 1 }, conclusion: placeholder },
    });
    const row = await this.get(key);
    if (count === 0) throw new InvalidTransition(row.status, 'concluded', EXPERIMENT_TRANSITIONS[row.status]);
    return row;
  }

  recordConclusion(key: string, conclusion: object): Promise<Experiment> {
    return this.prisma.experiment.update({ where: { key }, data: { conclusion } });
  }

  /** Moves to `to` only from a status that allows it, atomically (two concurrent starts: one wins). */
  async transition(key: string, to: ExperimentStatus): Promise<Experiment> {
    const from = (Object.keys(EXPERIMENT_TRANSITIONS) as ExperimentStatus[]).filter((s) => EXPERIMENT_TRANSITIONS[s].includes(to));
    const now = new Date();
    const { count } = await this.prisma.experiment.updateMany({
      where: { key, status: { in: from } },
      data: {
        status: to,
        revision: { increment: 1 },
        ...(to === 'running' ? { startedAt: now, endedAt: null } : { endedAt: now }),
      },
    });
    const row = await this.get(key);
    if (count === 0) throw new InvalidTransition(row.status, to, EXPERIMENT_TRANSITIONS[row.status]);
    return row;
  }
}
