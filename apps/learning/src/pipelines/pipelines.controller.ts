import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  Idempotent,
  RequireScope,
  ZBody,
  ZParams,
  ZQuery,
  type Principal,
  TeamCheckedInHandler,
  TeamResource,
} from '@modelyard/platform';
import {
  CreatePipelineBody,
  ListPipelinesQuery,
  PageQuery,
  PipelinePage,
  PipelineRef,
  PipelineResponse,
  StatusResponse,
  TriggerResponse,
  UpdatePage,
  UpdatePipelineBody,
} from '@modelyard/types';
import { z } from 'zod';
import { PipelinesService } from './pipelines.service.js';

export const RefParams = z.strictObject({ id: PipelineRef });
export type RefParams = z.infer<typeof RefParams>;

@Controller('v1/pipelines')
export class PipelinesController {
  constructor(@Inject(PipelinesService) private readonly pipelines: PipelinesService) {}

  @Post()
  @Idempotent()
  @TeamResource('model', { from: 'body', field: 'model' })
  @ApiDoc({
    summary: 'Create a pipeline for a registry model (checked in the registry); register.autoPromote needs admin',
    response: PipelineResponse,
    status: 201,
    tags: ['pipelines'],
  })
  create(@ZBody(CreatePipelineBody) body: CreatePipelineBody, @CurrentPrincipal() who: Principal) {
    return this.pipelines.create(body, who);
  }

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({
    summary: 'List the pipelines of models the caller may read (filter by model or state)',
    response: PipelinePage,
    tags: ['pipelines'],
  })
  list(@ZQuery(ListPipelinesQuery) query: ListPipelinesQuery, @CurrentPrincipal() who: Principal) {
    return this.pipelines.list(query, who);
  }

  @Get(':id')
  @TeamResource('pipeline')
  @ApiDoc({ summary: 'Get a pipeline (by id or name)', response: PipelineResponse, tags: ['pipelines'] })
  get(@ZParams(RefParams) p: RefParams) {
    return this.pipelines.get(p.id);
  }

  @Patch(':id')
  @TeamResource('pipeline')
  @ApiDoc({
    summary: 'Change strategy, sizes, schedule, gate or registration (autoPromote needs admin; learner, features and target are fixed)',
    response: PipelineResponse,
    tags: ['pipelines'],
  })
  update(@ZParams(RefParams) p: RefParams, @ZBody(UpdatePipelineBody) body: UpdatePipelineBody, @CurrentPrincipal() who: Principal) {
    return this.pipelines.update(p.id, body, who);
  }

  @Delete(':id')
  @TeamResource('pipeline')
  @HttpCode(204)
  @RequireScope('admin')
  @ApiDoc({ summary: 'Delete a pipeline, its checkpoints, history and buffer (registered versions stay)', tags: ['pipelines'] })
  async remove(@ZParams(RefParams) p: RefParams, @CurrentPrincipal() who: Principal) {
    await this.pipelines.remove(p.id, who);
  }

  @Post(':id/pause')
  @TeamResource('pipeline')
  @HttpCode(200)
  @ApiDoc({ summary: 'Stop updating (samples are still buffered)', response: PipelineResponse, tags: ['pipelines'] })
  pause(@ZParams(RefParams) p: RefParams, @CurrentPrincipal() who: Principal) {
    return this.pipelines.setState(p.id, 'paused', who);
  }

  @Post(':id/resume')
  @TeamResource('pipeline')
  @HttpCode(200)
  @ApiDoc({ summary: 'Resume updating', response: PipelineResponse, tags: ['pipelines'] })
  resume(@ZParams(RefParams) p: RefParams, @CurrentPrincipal() who: Principal) {
    return this.pipelines.setState(p.id, 'active', who);
  }

  @Post(':id/trigger')
  @TeamResource('pipeline')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Run an update now (one at a time per pipeline; repeated triggers join the pending one)',
    response: TriggerResponse,
    status: 202,
    tags: ['pipelines'],
  })
  trigger(@ZParams(RefParams) p: RefParams) {
    return this.pipelines.trigger(p.id);
  }

  @Get(':id/status')
  @TeamResource('pipeline')
  @ApiDoc({ summary: 'State, buffer size, samples seen, last update and current metrics', response: StatusResponse, tags: ['pipelines'] })
  status(@ZParams(RefParams) p: RefParams) {
    return this.pipelines.status(p.id);
  }

  @Get(':id/history')
  @TeamResource('pipeline')
  @ApiDoc({
    summary: 'Every update, newest first: samples, metrics before/after, gate, outcome, version',
    response: UpdatePage,
    tags: ['pipelines'],
  })
  history(@ZParams(RefParams) p: RefParams, @ZQuery(PageQuery) query: PageQuery) {
    return this.pipelines.history(p.id, query);
  }
}
