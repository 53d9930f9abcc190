import { Controller, Get, HttpCode, Inject, Post, UseFilters } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, IngestionBody, ZBody, ZQuery, type Principal } from '@modelyard/platform';
import type { z } from 'zod';
import { TrackingService } from '../tracking/tracking.service.js';
import { MlflowErrorFilter } from './mlflow-error.filter.js';
import { mlflowMetric, mlflowRun, mlflowRunInfo, withToken } from './mlflow.mapper.js';
import * as S from './mlflow.schemas.js';

const VIEWS = new Map([
  ['ACTIVE_ONLY', 'active'],
  ['DELETED_ONLY', 'deleted'],
  ['ALL', 'all'],
] as const);
const MLFLOW_FIELDS = { filter: 'filter', orderBy: 'order_by', cursor: 'page_token' };

/** MLflow runs, over our training runs; every write answers `{}` as MLflow does. */
@Controller('api/2.0/mlflow')
@UseFilters(MlflowErrorFilter)
export class MlflowRunsController {
  constructor(@Inject(TrackingService) private readonly tracking: TrackingService) {}

  @Post('runs/create')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: create a run', status: 200, tags: ['mlflow'] })
  async create(@ZBody(S.CreateRun) body: z.infer<typeof S.CreateRun>, @CurrentPrincipal() who: Principal) {
    const userTag = body.tags?.find((t) => t.key === 'mlflow.user')?.value;
    const run = await this.tracking.createRun(
      {
        projectId: body.experiment_id,
        name: body.run_name,
        startTime: body.start_time,
        tags: body.tags,
        userId: body.user_id || userTag || who.id,
      },
      who.id,
    );
    return { run: mlflowRun(run) };
  }

  @Get('runs/get')
  @ApiDoc({ summary: 'MLflow: get a run', tags: ['mlflow'] })
  async get(@ZQuery(S.RunQuery) query: z.infer<typeof S.RunQuery>) {
    return { run: mlflowRun(await this.tracking.getRun(query.run_id)) };
  }

  @Post('runs/update')
  @HttpCode(200)
  @ApiDoc({ summary: "MLflow: update a run's status, end time or name", status: 200, tags: ['mlflow'] })
  async update(@ZBody(S.UpdateRun) body: z.infer<typeof S.UpdateRun>) {
    const run = await this.tracking.updateRun(body.run_id, { status: body.status, endTime: body.end_time, name: body.run_name });
    return { run_info: mlflowRunInfo(run) };
  }

  @Post('runs/delete')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: delete a run (restorable)', status: 200, tags: ['mlflow'] })
  async remove(@ZBody(S.RunOnly) body: z.infer<typeof S.RunOnly>, @CurrentPrincipal() who: Principal) {
    await this.tracking.deleteRun(body.run_id, who.id);
    return {};
  }

  @Post('runs/restore')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: restore a deleted run', status: 200, tags: ['mlflow'] })
  async restore(@ZBody(S.RunOnly) body: z.infer<typeof S.RunOnly>, @CurrentPrincipal() who: Principal) {
    await this.tracking.restoreRun(body.run_id, who.id);
    return {};
  }

  @Post('runs/search')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: search runs (filter, order_by, page_token)', status: 200, tags: ['mlflow'] })
  async search(@ZBody(S.SearchRuns) body: z.infer<typeof S.SearchRuns>) {
    const { runs, next } = await this.tracking.search({
      projectIds: body.experiment_ids,
      filter: body.filter,
      orderBy: body.order_by,
      view: VIEWS.get(body.run_view_type) ?? 'active',
      limit: body.max_results,
      cursor: body.page_token,
      fields: MLFLOW_FIELDS,
    });
    return { ...(runs.length ? { runs: runs.map(mlflowRun) } : {}), ...withToken(next) };
  }

  @Post('runs/log-metric')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: log one metric point', status: 200, tags: ['mlflow'] })
  async logMetric(@ZBody(S.LogMetric) body: z.infer<typeof S.LogMetric>) {
    await this.tracking.logBatch(body.run_id, {
      metrics: [{ key: body.key, value: body.value, step: body.step, timestamp: body.timestamp }],
    });
    return {};
  }

  @Post('runs/log-parameter')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: log a param (immutable once logged)', status: 200, tags: ['mlflow'] })
  async logParam(@ZBody(S.LogParam) body: z.infer<typeof S.LogParam>) {
    await this.tracking.logBatch(body.run_id, { params: [{ key: body.key, value: body.value }] });
    return {};
  }

  @Post('runs/set-tag')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: set a run tag', status: 200, tags: ['mlflow'] })
  async setTag(@ZBody(S.SetTag) body: z.infer<typeof S.SetTag>) {
    await this.tracking.logBatch(body.run_id, { tags: [{ key: body.key, value: body.value }] });
    if (body.key === 'mlflow.runName') await this.tracking.updateRun(body.run_id, { name: body.value });
    return {};
  }

  @Post('runs/delete-tag')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: delete a run tag', status: 200, tags: ['mlflow'] })
  async deleteTag(@ZBody(S.DeleteTag) body: z.infer<typeof S.DeleteTag>) {
    await this.tracking.deleteTag(body.run_id, body.key);
    return {};
  }

  @Post('runs/log-batch')
  @HttpCode(200)
  @IngestionBody()
  @ApiDoc({ summary: 'MLflow: log metrics, params and tags at once', status: 200, tags: ['mlflow'] })
  async logBatch(@ZBody(S.LogBatch) body: z.infer<typeof S.LogBatch>) {
    await this.tracking.logBatch(body.run_id, body);
    return {};
  }

  @Post('runs/log-inputs')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: record the datasets a run used', status: 200, tags: ['mlflow'] })
  async logInputs(@ZBody(S.LogInputs) body: z.infer<typeof S.LogInputs>) {
    await this.tracking.logInputs(
      body.run_id,
      body.datasets.map((d) => ({
        name: d.dataset.name,
        digest: d.dataset.digest,
        sourceType: d.dataset.source_type,
        source: d.dataset.source,
        schema: d.dataset.schema,
        profile: d.dataset.profile,
        tags: d.tags,
      })),
    );
    return {};
  }

  @Post('runs/log-model')
  @HttpCode(200)
  @ApiDoc({ summary: "MLflow: record a logged model's MLmodel in the run's mlflow.log-model.history tag", status: 200, tags: ['mlflow'] })
  async logModel(@ZBody(S.LogModel) body: z.infer<typeof S.LogModel>) {
    await this.tracking.recordLoggedModel(body.run_id, body.model_json);
    return {};
  }

  @Get('metrics/get-history')
  @ApiDoc({ summary: "MLflow: a metric's history, paged", tags: ['mlflow'] })
  async history(@ZQuery(S.MetricHistory) query: z.infer<typeof S.MetricHistory>) {
    const page = await this.tracking.history(query.run_id, query.metric_key, query.max_results, query.page_token, 'page_token');
    return { ...(page.items.length ? { metrics: page.items.map(mlflowMetric) } : {}), ...withToken(page.next) };
  }
}
