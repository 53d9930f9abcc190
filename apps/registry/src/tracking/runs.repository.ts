import { Inject, Injectable } from '@nestjs/common';
import {
  Prisma,
  type TrackingLatestMetric,
  type TrackingProject,
  type TrackingRun,
  type TrackingRunInput,
  type TrackingRunParam,
  type TrackingRunTag,
} from '@modelyard/db';
import { NotFound, PrismaService } from '@modelyard/platform';
import type { KeyValue, RunStatus } from '@modelyard/types';
import { AuditRepository } from '../audit/audit.repository.js';
import { TX_OPTIONS } from '../models/model-lock.js';
import { dedupe } from './projects.repository.js';
import { projectKey, runUuid, toRunId } from './run-ids.js';
import { NotActive } from './tracking.errors.js';

export type RunRow = TrackingRun & {
  project: TrackingProject;
  tags: TrackingRunTag[];
  params: TrackingRunParam[];
  latest: TrackingLatestMetric[];
  inputs: TrackingRunInput[];
};

export const RUN_INCLUDE = { project: true, tags: true, params: true, latest: true, inputs: true } as const;

export interface NewRun {
  projectId: string;
  name?: string;
  userId: string;
  startTime?: number;
  tags?: KeyValue[];
}

export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  tags: KeyValue[];
}

/** A readable default name, as MLflow gives runs created without one. */
function defaultRunName(id: string): string {
  return `run-${id.slice(0, 8)}`;
}

/** Runs: their attributes, tags and inputs. Metrics and params are in metrics.repository.ts. */
@Injectable()
export class RunsRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async create(input: NewRun, actor: string): Promise<RunRow> {
    const projectId = projectKey(input.projectId);
    return this.prisma.$transaction(async (tx) => {
      const project = await tx.trackingProject.findUnique({ where: { id: projectId } });
      if (!project) throw new NotFound('project', input.projectId);
      if (project.lifecycle !== 'active') throw new NotActive('project', input.projectId);
      const tags = dedupe(input.tags ?? []);
      const nameTag = tags.find((t) => t.key === 'mlflow.runName')?.value;
      const created = await tx.trackingRun.create({
        data: { projectId, name: '', userId: input.userId, startTime: BigInt(input.startTime ?? Date.now()), createdBy: actor },
      });
      const name = input.name ?? nameTag ?? defaultRunName(toRunId(created.id));
      // MLflow clients read the name from the mlflow.runName tag as well as from run_name.
      const withName = [...tags.filter((t) => t.key !== 'mlflow.runName'), { key: 'mlflow.runName', value: name }];
      const run = await tx.trackingRun.update({
        where: { id: created.id },
        data: { name, tags: { create: withName } },
        include: RUN_INCLUDE,
      });
      await this.audit.record(tx, {
        model: null,
        action: 'run.created',
        actor,
        subject: `run:${toRunId(run.id)}`,
        after: { project: input.projectId, name },
      });
      return run;
    }, TX_OPTIONS);
  }

  async get(runId: string): Promise<RunRow> {
    const row = await this.prisma.trackingRun.findUnique({ where: { id: runUuid(runId) }, include: RUN_INCLUDE });
    if (!row) throw new NotFound('run', runId);
    return row;
  }

  /** The run, refused when deleted: logging needs an active run. */
  async active(runId: string): Promise<TrackingRun> {
    const row = await this.prisma.trackingRun.findUnique({ where: { id: runUuid(runId) } });
    if (!row) throw new NotFound('run', runId);
    if (row.lifecycle !== 'active') throw new NotActive('run', runId);
    return row;
  }

  async many(ids: string[]): Promise<RunRow[]> {
    const rows = await this.prisma.trackingRun.findMany({ where: { id: { in: ids } }, include: RUN_INCLUDE });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async update(runId: string, change: { status?: RunStatus; endTime?: number; name?: string }): Promise<RunRow> {
    const run = await this.active(runId);
    return this.prisma.$transaction(async (tx) => {
      if (change.name !== undefined) {
        await tx.trackingRunTag.upsert({
          where: { runId_key: { runId: run.id, key: 'mlflow.runName' } },
          create: { runId: run.id, key: 'mlflow.runName', value: change.name },
          update: { value: change.name },
        });
      }
      return tx.trackingRun.update({
        where: { id: run.id },
        data: {
          ...(change.status ? { status: change.status } : {}),
          ...(change.endTime !== undefined ? { endTime: BigInt(change.endTime) } : {}),
          ...(change.name !== undefined ? { name: change.name } : {}),
        },
        include: RUN_INCLUDE,
      });
    }, TX_OPTIONS);
  }

  async setLifecycle(runId: string, lifecycle: 'active' | 'deleted', actor: string): Promise<void> {
    const run = await this.get(runId);
    await this.prisma.$transaction(async (tx) => {
      await tx.trackingRun.update({ where: { id: run.id }, data: { lifecycle } });
      const action = lifecycle === 'deleted' ? 'run.deleted' : 'run.restored';
      await this.audit.record(tx, {
        model: null,
        action,
        actor,
        subject: `run:${toRunId(run.id)}`,
        before: { lifecycle: run.lifecycle },
        after: { lifecycle },
      });
    }, TX_OPTIONS);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const run = await this.active(runId);
    const { count } = await this.prisma.trackingRunTag.deleteMany({ where: { runId: run.id, key } });
    if (!count) throw new NotFound('tag', `${runId}:${key}`);
  }

  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    const run = await this.active(runId);
    await this.prisma.$transaction(
      datasets.map((d) =>
        this.prisma.trackingRunInput.upsert({
          where: { runId_name_digest: { runId: run.id, name: d.name, digest: d.digest } },
          create: {
            runId: run.id,
            name: d.name,
            digest: d.digest,
            sourceType: d.sourceType,
            source: d.source,
            schema: d.schema ?? null,
            profile: d.profile ?? null,
            tags: d.tags as unknown as Prisma.InputJsonValue,
          },
          update: { tags: d.tags as unknown as Prisma.InputJsonValue },
        }),
      ),
    );
  }

  /** Run ids of one search page, in order: `where` and `order` are built by run-filter-sql.ts. */
  async searchIds(
    projectIds: bigint[],
    view: 'active' | 'deleted' | 'all',
    where: Prisma.Sql,
    order: Prisma.Sql,
    offset: number,
    limit: number,
  ) {
    const lifecycle = view === 'all' ? Prisma.sql`TRUE` : Prisma.sql`r.lifecycle = ${view}::"TrackingLifecycle"`;
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT r.id::text AS id FROM registry_tracking_runs r
      WHERE r."projectId" = ANY(${projectIds.map(String)}::bigint[]) AND ${lifecycle} AND ${where}
      ORDER BY ${order} LIMIT ${limit + 1} OFFSET ${offset}`;
    return rows.map((r) => r.id);
  }
}
