import { Controller, Get, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  decodeCursor,
  encodeCursor,
  parseIntCursor,
  ValidationFailed,
  ZBody,
  ZQuery,
  type Principal,
} from '@modelyard/platform';
import type { z } from 'zod';
import type { NameMatch } from '../tracking/projects.repository.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { mlflowExperiment, withToken } from './mlflow.mapper.js';
import {
  CreateExperiment,
  ExperimentByName,
  ExperimentIdQuery,
  ExperimentTag,
  SearchExperiments,
  UpdateExperiment,
} from './mlflow.schemas.js';
import { MlflowErrorFilter } from './mlflow-error.filter.js';

const VIEWS = new Map([
  ['ACTIVE_ONLY', 'active'],
  ['DELETED_ONLY', 'deleted'],
  ['ALL', 'all'],
] as const);

/**
 * `name = '…'` or `name LIKE '…'` with `%` at either end: the experiment filters this API answers,
 * as a Prisma string filter (no SQL is built from the text).
 */
function nameFilter(filter: string | undefined): NameMatch | undefined {
  if (!filter?.trim()) return undefined;
  const match = /^\s*(?:attributes\.)?name\s*(=|LIKE)\s*'((?:[^']|'')*)'\s*$/i.exec(filter);
  const refuse = () =>
    new ValidationFailed([{ field: 'filter', in: 'body', message: "supported: name = '…', name LIKE '…' with % at either end" }]);
  if (!match) throw refuse();
  const value = match[2]!.replaceAll("''", "'");
  if (match[1] === '=') return { equals: value };
  const inner = value.replace(/^%/, '').replace(/%$/, '');
  if (/[%_]/.test(inner)) throw refuse();
  if (value.startsWith('%') && value.endsWith('%') && value.length > 1) return { contains: inner };
  if (value.endsWith('%')) return { startsWith: inner };
  if (value.startsWith('%')) return { endsWith: inner };
  return { equals: inner };
}

/** MLflow experiments = our training projects. */
@Controller('api/2.0/mlflow/experiments')
@UseFilters(MlflowErrorFilter)
export class MlflowExperimentsController {
  constructor(@Inject(TrackingService) private readonly tracking: TrackingService) {}

  @Post('create')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: create an experiment (a training project)', status: 200, tags: ['mlflow'] })
  async create(@ZBody(CreateExperiment) body: z.infer<typeof CreateExperiment>, @CurrentPrincipal() who: Principal) {
    const row = await this.tracking.projects.create({ name: body.name, artifactLocation: body.artifact_location, tags: body.tags }, who.id);
    return { experiment_id: String(row.id) };
  }

  @Get('get')
  @ApiDoc({ summary: 'MLflow: get an experiment', tags: ['mlflow'] })
  async get(@ZQuery(ExperimentIdQuery) query: z.infer<typeof ExperimentIdQuery>) {
    return { experiment: mlflowExperiment(await this.tracking.projects.get(query.experiment_id)) };
  }

  @Get('get-by-name')
  @ApiDoc({ summary: 'MLflow: get an experiment by name', tags: ['mlflow'] })
  async byName(@ZQuery(ExperimentByName) query: z.infer<typeof ExperimentByName>) {
    return { experiment: mlflowExperiment(await this.tracking.projects.byName(query.experiment_name)) };
  }

  @Post('search')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: search experiments', status: 200, tags: ['mlflow'] })
  search(@ZBody(SearchExperiments) body: z.infer<typeof SearchExperiments>) {
    return this.searchPage(body);
  }

  @Get('search')
  @ApiDoc({ summary: 'MLflow: search experiments (query string form)', tags: ['mlflow'] })
  searchGet(@ZQuery(SearchExperiments) query: z.infer<typeof SearchExperiments>) {
    return this.searchPage(query);
  }

  @Post('update')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: rename an experiment', status: 200, tags: ['mlflow'] })
  async update(@ZBody(UpdateExperiment) body: z.infer<typeof UpdateExperiment>, @CurrentPrincipal() who: Principal) {
    await this.tracking.projects.rename(body.experiment_id, body.new_name, who.id);
    return {};
  }

  @Post('delete')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: delete an experiment (restorable)', status: 200, tags: ['mlflow'] })
  async remove(@ZBody(ExperimentIdQuery) body: z.infer<typeof ExperimentIdQuery>, @CurrentPrincipal() who: Principal) {
    await this.tracking.projects.setLifecycle(body.experiment_id, 'deleted', who.id);
    return {};
  }

  @Post('restore')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: restore a deleted experiment', status: 200, tags: ['mlflow'] })
  async restore(@ZBody(ExperimentIdQuery) body: z.infer<typeof ExperimentIdQuery>, @CurrentPrincipal() who: Principal) {
    await this.tracking.projects.setLifecycle(body.experiment_id, 'active', who.id);
    return {};
  }

  @Post('set-experiment-tag')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: set a tag on an experiment', status: 200, tags: ['mlflow'] })
  async setTag(@ZBody(ExperimentTag) body: z.infer<typeof ExperimentTag>) {
    await this.tracking.projects.setTag(body.experiment_id, { key: body.key, value: body.value });
    return {};
  }

  private async searchPage(query: z.infer<typeof SearchExperiments>) {
    const afterId = decodeCursor(query.page_token, parseIntCursor);
    const name = nameFilter(query.filter);
    const view = VIEWS.get(query.view_type) ?? 'active';
    const rows = await this.tracking.projects.list({ view, afterId, limit: query.max_results, name });
    const items = rows.slice(0, query.max_results);
    const last = items.at(-1);
    const token = rows.length > query.max_results && last ? encodeCursor(String(last.id)) : null;
    return { ...(items.length ? { experiments: items.map(mlflowExperiment) } : {}), ...withToken(token) };
  }
}
