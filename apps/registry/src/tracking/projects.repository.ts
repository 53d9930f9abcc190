import { Inject, Injectable } from '@nestjs/common';
import { type TrackingProject, type TrackingProjectTag } from '@modelyard/db';
import { AlreadyExists, NotFound, PrismaService } from '@modelyard/platform';
import type { KeyValue } from '@modelyard/types';
import { AuditRepository } from '../audit/audit.repository.js';
import { TX_OPTIONS } from '../models/model-lock.js';
import { projectKey } from './run-ids.js';

export type ProjectRow = TrackingProject & { tags: TrackingProjectTag[] };
export type LifecycleView = 'active' | 'deleted' | 'all';
export type NameMatch = { equals: string } | { contains: string } | { startsWith: string } | { endsWith: string };

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'P2002';

/** Projects (MLflow's experiments) and their tags; every change is audited in its transaction. */
@Injectable()
export class ProjectsRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async create(input: { name: string; artifactLocation?: string; tags?: KeyValue[] }, actor: string): Promise<ProjectRow> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const row = await tx.trackingProject.create({
          data: { name: input.name, artifactLocation: input.artifactLocation ?? '', createdBy: actor },
        });
        // Runs' files go through the registry's artifact proxy unless the project names a location.
        const artifactLocation = input.artifactLocation ?? `mlflow-artifacts:/${row.id}`;
        const tags = dedupe(input.tags ?? []);
        const project = await tx.trackingProject.update({
          where: { id: row.id },
          data: { artifactLocation, tags: { create: tags } },
          include: { tags: true },
        });
        await this.audit.record(tx, {
          model: null,
          action: 'project.created',
          actor,
          subject: `project:${row.id}`,
          after: { name: input.name },
        });
        return project;
      }, TX_OPTIONS);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExists('project', input.name);
      throw err;
    }
  }

  async get(id: string): Promise<ProjectRow> {
    const row = await this.prisma.trackingProject.findUnique({ where: { id: projectKey(id) }, include: { tags: true } });
    if (!row) throw new NotFound('project', id);
    return row;
  }

  async byName(name: string): Promise<ProjectRow> {
    const row = await this.prisma.trackingProject.findUnique({ where: { name }, include: { tags: true } });
    if (!row) throw new NotFound('project', name);
    return row;
  }

  /** A page in id order after `afterId`, optionally matching a name. */
  list(query: { view: LifecycleView; afterId?: bigint; limit: number; name?: NameMatch }): Promise<ProjectRow[]> {
    return this.prisma.trackingProject.findMany({
      where: {
        ...(query.view === 'all' ? {} : { lifecycle: query.view }),
        ...(query.afterId !== undefined ? { id: { gt: query.afterId } } : {}),
        ...(query.name ? { name: query.name } : {}),
      },
      include: { tags: true },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
  }

  async rename(id: string, name: string, actor: string): Promise<void> {
    const before = await this.get(id);
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.trackingProject.update({ where: { id: before.id }, data: { name } });
        await this.audit.record(tx, {
          model: null,
          action: 'project.renamed',
          actor,
          subject: `project:${id}`,
          before: { name: before.name },
          after: { name },
        });
      }, TX_OPTIONS);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExists('project', name);
      throw err;
    }
  }

  /** Soft delete or restore (MLflow keeps deleted experiments restorable); their runs follow. */
  async setLifecycle(id: string, lifecycle: 'active' | 'deleted', actor: string): Promise<void> {
    const before = await this.get(id);
    await this.prisma.$transaction(async (tx) => {
      await tx.trackingProject.update({ where: { id: before.id }, data: { lifecycle } });
      await tx.trackingRun.updateMany({ where: { projectId: before.id }, data: { lifecycle } });
      const action = lifecycle === 'deleted' ? 'project.deleted' : 'project.restored';
      await this.audit.record(tx, {
        model: null,
        action,
        actor,
        subject: `project:${id}`,
        before: { lifecycle: before.lifecycle },
        after: { lifecycle },
      });
    }, TX_OPTIONS);
  }

  async setTag(id: string, tag: KeyValue): Promise<void> {
    const project = await this.get(id);
    await this.prisma.trackingProjectTag.upsert({
      where: { projectId_key: { projectId: project.id, key: tag.key } },
      create: { projectId: project.id, key: tag.key, value: tag.value },
      update: { value: tag.value },
    });
    await this.prisma.trackingProject.update({ where: { id: project.id }, data: { updatedAt: new Date() } });
  }
}

/** The last value given for each key wins, as repeated keys in one request mean. */
export function dedupe(tags: KeyValue[]): KeyValue[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}
