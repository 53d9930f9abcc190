import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import {
  AlreadyExists,
  decodeCursor,
  InvalidTransition,
  keysetAfter,
  NotFound,
  PrismaService,
  modelNameWhere,
  type ModelFilter,
} from '@modelyard/platform';
import {
  BanditSettings,
  type Conclusion,
  type CreateExperimentBody,
  type ExperimentStatus,
  type ListExperimentsQuery,
} from '@modelyard/types';
import type { Experiment } from './experiment.js';
import { allowedFrom, transitionSources, transitionStamps, type ExperimentChange } from './experiment-rules.js';
import { auditExperiment, changeAction, type ChangeBy } from './experiments.audit.js';
import { toExperiment, toGuardrailRows, toVariantRows } from './experiments.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/** What every read loads with an experiment, in the experiment's own order. */
const PARTS = {
  variants: { orderBy: { position: 'asc' } },
  guardrails: { orderBy: { position: 'asc' } },
} satisfies Prisma.ExperimentInclude;

type Tx = Prisma.TransactionClient;

/**
 * The experiments_experiments table with its variants and guardrails (their own tables, deleted
 * with the experiment by the database); every read returns the parsed domain type.
 */
@Injectable()
export class ExperimentsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async create(body: CreateExperimentBody, actor: string, autoPromoteEnabledBy: string | null): Promise<Experiment> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const row = await tx.experiment.create({ data: creation(body, actor, autoPromoteEnabledBy), include: PARTS });
        const created = toExperiment(row);
        await auditExperiment(tx, 'experiment.created', { actor }, null, created);
        return created;
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new AlreadyExists('experiment', body.key);
      }
      throw err;
    }
  }

  /** `readable`: the models whose experiments the caller may read. */
  async list(query: ListExperimentsQuery, readable: ModelFilter): Promise<Experiment[]> {
    const cursor = decodeCursor(query.cursor, (raw) => (raw.length > 0 && raw.length <= 128 ? raw : null));
    const visible = modelNameWhere(readable);
    const rows = await this.prisma.experiment.findMany({
      where: {
        ...(visible ? { AND: [{ model: visible }] } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.model ? { model: query.model } : {}),
        ...(cursor ? keysetAfter<Prisma.ExperimentWhereInput>([{ key: 'asc' }], { key: cursor }) : {}),
      },
      orderBy: { key: 'asc' },
      take: query.limit + 1,
      include: PARTS,
    });
    return rows.map(toExperiment);
  }

  /** The model an experiment serves, for team checks; null when there is no such experiment. */
  async modelOf(key: string): Promise<string | null> {
    const row = await this.prisma.experiment.findUnique({ where: { key }, select: { model: true } });
    return row?.model ?? null;
  }

  async get(key: string): Promise<Experiment> {
    const row = await this.prisma.experiment.findUnique({ where: { key }, include: PARTS });
    if (!row) throw new NotFound('experiment', key);
    return toExperiment(row);
  }

  async find(id: string): Promise<Experiment | null> {
    const row = await this.prisma.experiment.findUnique({ where: { id }, include: PARTS });
    return row && toExperiment(row);
  }

  async running(): Promise<Experiment[]> {
    return (await this.prisma.experiment.findMany({ where: { status: 'running' }, include: PARTS })).map(toExperiment);
  }

  /** Concluded experiments whose winner's promotion waits for approvals in the registry. */
  async awaitingApprovals(): Promise<Experiment[]> {
    const rows = await this.prisma.experiment.findMany({
      where: { status: 'concluded', conclusion: { path: ['awaitingApprovals', 'version'], not: Prisma.DbNull } },
      include: PARTS,
    });
    return rows.map(toExperiment).filter((e) => e.conclusion?.awaitingApprovals);
  }

  /** Stopped or concluded experiments that ended at `since` or later. */
  async endedSince(since: Date): Promise<Experiment[]> {
    const rows = await this.prisma.experiment.findMany({
      where: { status: { in: ['stopped', 'concluded'] }, endedAt: { gte: since } },
      include: PARTS,
    });
    return rows.map(toExperiment);
  }

  countRunning(): Promise<number> {
    return this.prisma.experiment.count({ where: { status: 'running' } });
  }

  /**
   * Applies what `decide` makes of the experiment as it stands, under its row lock: concurrent
   * changes apply one after the other, each deciding on the result of the one before.
   */
  update(key: string, decide: (current: Experiment) => ExperimentChange, by: ChangeBy): Promise<Experiment> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM experiments_experiments WHERE key = ${key} FOR UPDATE`;
      const id = locked[0]?.id;
      if (!id) throw new NotFound('experiment', key);
      const before = toExperiment(await tx.experiment.findUniqueOrThrow({ where: { id }, include: PARTS }));
      const change = decide(before);
      await applyChange(tx, id, change);
      const after = toExperiment(await tx.experiment.findUniqueOrThrow({ where: { id }, include: PARTS }));
      await auditExperiment(tx, changeAction(change), by, before, after);
      return after;
    }, TX_OPTIONS);
  }

  /**
   * Claims the conclusion: running/stopped → concluded, atomically, so of two concurrent calls
   * exactly one goes on to promote. Returns the concluded experiment.
   */
  claimConclusion(key: string, placeholder: Conclusion, by: ChangeBy): Promise<Experiment> {
    const data = { status: 'concluded', endedAt: new Date(), revision: { increment: 1 }, conclusion: placeholder } as const;
    return this.moveStatus(key, 'concluded', data, 'experiment.concluded', by);
  }

  /** The conclusion once the winner's promotion was tried (or tried again after waiting for approvals). */
  recordConclusion(key: string, conclusion: Conclusion, by: ChangeBy): Promise<Experiment> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.experiment.findUnique({ where: { key }, include: PARTS });
      if (!row) throw new NotFound('experiment', key);
      const after = toExperiment(await tx.experiment.update({ where: { key }, data: { conclusion }, include: PARTS }));
      await auditExperiment(tx, 'experiment.conclusion_recorded', by, toExperiment(row), after);
      return after;
    }, TX_OPTIONS);
  }

  /** Moves to `to` only from a status that allows it, atomically (two concurrent starts: one wins). */
  transition(key: string, to: ExperimentStatus, by: ChangeBy): Promise<Experiment> {
    const data = { status: to, revision: { increment: 1 }, ...transitionStamps(to, new Date()) };
    return this.moveStatus(key, to, data, to === 'running' ? 'experiment.started' : `experiment.${to}`, by);
  }

  /**
   * A status change as one conditional UPDATE (only the first of concurrent calls matches), audited
   * in its transaction; a refused one changes and records nothing.
   */
  private async moveStatus(
    key: string,
    to: ExperimentStatus,
    data: Prisma.ExperimentUpdateManyMutationInput,
    action: string,
    by: ChangeBy,
  ) {
    const moved = await this.prisma.$transaction(async (tx) => {
      const row = await tx.experiment.findUnique({ where: { key }, include: PARTS });
      if (!row) throw new NotFound('experiment', key);
      const { count } = await tx.experiment.updateMany({ where: { key, status: { in: transitionSources(to) } }, data });
      if (count === 0) return null;
      const after = toExperiment(await tx.experiment.findUniqueOrThrow({ where: { key }, include: PARTS }));
      await auditExperiment(tx, action, by, toExperiment(row), after);
      return after;
    }, TX_OPTIONS);
    if (moved) return moved;
    const e = await this.get(key);
    throw new InvalidTransition(e.status, to, allowedFrom(e.status));
  }
}

function creation(body: CreateExperimentBody, actor: string, autoPromoteEnabledBy: string | null) {
  return {
    key: body.key,
    model: body.model,
    description: body.description ?? null,
    control: body.control,
    coverage: body.coverage,
    // GrowthBook's default seed is the experiment key; the same default keeps SDKs interchangeable.
    seed: body.seed ?? body.key,
    primaryMetricName: body.primaryMetric.name,
    primaryMetricKind: body.primaryMetric.kind,
    primaryMetricDirection: body.primaryMetric.direction,
    minSampleSize: body.minSampleSize ?? null,
    sequential: body.sequential,
    alpha: body.alpha,
    autoPromote: body.autoPromote,
    autoPromoteEnabledBy,
    maxDurationHours: body.maxDurationHours ?? null,
    createdBy: actor,
    type: body.type,
    // A bandit starts with equal weights (its burn-in) whatever the variants say, and keeps its defaults.
    ...(body.type === 'bandit' ? { bandit: BanditSettings.parse(body.bandit ?? {}) } : {}),
    variants: { create: toVariantRows(body.type === 'bandit' ? body.variants.map((v) => ({ ...v, weight: 1 })) : body.variants) },
    guardrails: { create: toGuardrailRows(body.guardrails) },
  } satisfies Prisma.ExperimentCreateInput;
}

async function applyChange(tx: Tx, experimentId: string, c: ExperimentChange): Promise<void> {
  for (const v of c.variants ?? []) {
    const where = { experimentId_key: { experimentId, key: v.key } };
    await tx.experimentVariant.update({ where, data: { weight: v.weight } });
  }
  if (c.guardrails) {
    // The list is replaced as a whole, as it was given.
    await tx.experimentGuardrail.deleteMany({ where: { experimentId } });
    const rows = toGuardrailRows(c.guardrails).map((g) => ({ experimentId, ...g }));
    await tx.experimentGuardrail.createMany({ data: rows });
  }
  await tx.experiment.update({
    where: { id: experimentId },
    data: {
      ...(c.coverage !== undefined ? { coverage: c.coverage } : {}),
      ...(c.description !== undefined ? { description: c.description } : {}),
      ...(c.autoPromote ? { autoPromote: c.autoPromote.on, autoPromoteEnabledBy: c.autoPromote.enabledBy } : {}),
      ...(c.weightPeriods ? { weightPeriods: c.weightPeriods } : {}),
      ...(c.bumpRevision ? { revision: { increment: 1 } } : {}),
    },
  });
}
