import { Inject, Injectable } from '@nestjs/common';
import { NotFound, toPage } from '@modelyard/platform';
import type { CreateVersionBody, ListVersionsQuery } from '@modelyard/types';
import { ApprovalsRepository } from '../approvals/approvals.repository.js';
import { compareMetrics } from './compare.js';
import { toVersionResponse } from './versions.mapper.js';
import { VersionsRepository, type MlflowOrigin } from './versions.repository.js';

@Injectable()
export class VersionsService {
  constructor(
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
    @Inject(ApprovalsRepository) private readonly approvals: ApprovalsRepository,
  ) {}

  async create(name: string, body: CreateVersionBody, actor: string, origin?: MlflowOrigin) {
    return toVersionResponse(name, await this.versions.create(name, body, actor, origin));
  }

  async list(name: string, query: ListVersionsQuery) {
    const rows = await this.versions.list(name, query);
    return toPage(
      rows,
      query.limit,
      (row) => toVersionResponse(name, row),
      (row) => row.id,
    );
  }

  /** One version, with its approvals and its lineage run's params and latest metrics (lists carry only the link). */
  async get(name: string, version: string) {
    const row = await this.versions.get(name, version);
    const response = { ...toVersionResponse(name, row), approvals: await this.approvals.standing(row) };
    if (!response.run) return response;
    const run = await this.versions.run(response.run.id);
    return run ? { ...response, run: { ...response.run, ...run } } : response;
  }

  async production(name: string) {
    const row = await this.versions.production(name);
    if (!row) throw new NotFound('production version of model', name);
    return toVersionResponse(name, row);
  }

  async compare(name: string, versions: string[]) {
    const rows = await this.versions.many(name, [...new Set(versions)]);
    return compareMetrics(rows.map((r) => ({ version: r.version, stage: r.stage, metrics: r.metrics as Record<string, number> })));
  }
}
