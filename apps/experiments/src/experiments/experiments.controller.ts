import { Controller, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  Idempotent,
  ZBody,
  ZParams,
  ZQuery,
  type Principal,
  TeamCheckedInHandler,
  TeamResource,
} from '@modelyard/platform';
import {
  CreateExperimentBody,
  ExperimentKey,
  ExperimentPage,
  ExperimentResponse,
  ListExperimentsQuery,
  UpdateExperimentBody,
} from '@modelyard/types';
import { z } from 'zod';
import { ExperimentsService } from './experiments.service.js';

export const KeyParams = z.strictObject({ key: ExperimentKey });
export type KeyParams = z.infer<typeof KeyParams>;

@Controller('v1/experiments')
export class ExperimentsController {
  constructor(@Inject(ExperimentsService) private readonly experiments: ExperimentsService) {}

  @Post()
  @Idempotent()
  @TeamResource('model', { from: 'body', field: 'model' })
  @ApiDoc({
    summary: "Create an experiment over a model's versions (checked in the registry); autoPromote needs admin",
    response: ExperimentResponse,
    status: 201,
    tags: ['experiments'],
  })
  create(@ZBody(CreateExperimentBody) body: CreateExperimentBody, @CurrentPrincipal() who: Principal) {
    return this.experiments.create(body, who);
  }

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({
    summary: 'List experiments of the models the caller may read (filter by status or model)',
    response: ExperimentPage,
    tags: ['experiments'],
  })
  list(@ZQuery(ListExperimentsQuery) query: ListExperimentsQuery, @CurrentPrincipal() who: Principal) {
    return this.experiments.list(query, who);
  }

  @Get(':key')
  @TeamResource('experiment', { field: 'key' })
  @ApiDoc({ summary: 'Get an experiment', response: ExperimentResponse, tags: ['experiments'] })
  get(@ZParams(KeyParams) p: KeyParams) {
    return this.experiments.get(p.key);
  }

  @Patch(':key')
  @TeamResource('experiment', { field: 'key' })
  @ApiDoc({
    summary: 'Change weights, coverage, guardrails or autoPromote (admin to turn on); also while running, assigned units stay put',
    response: ExperimentResponse,
    tags: ['experiments'],
  })
  update(@ZParams(KeyParams) p: KeyParams, @ZBody(UpdateExperimentBody) body: UpdateExperimentBody, @CurrentPrincipal() who: Principal) {
    return this.experiments.update(p.key, body, who);
  }

  @Post(':key/start')
  @TeamResource('experiment', { field: 'key' })
  @HttpCode(200)
  @ApiDoc({ summary: 'Start (or restart a stopped) experiment', response: ExperimentResponse, tags: ['experiments'] })
  start(@ZParams(KeyParams) p: KeyParams, @CurrentPrincipal() who: Principal) {
    return this.experiments.transition(p.key, 'running', who);
  }

  @Post(':key/stop')
  @TeamResource('experiment', { field: 'key' })
  @HttpCode(200)
  @ApiDoc({ summary: 'Stop assigning units', response: ExperimentResponse, tags: ['experiments'] })
  stop(@ZParams(KeyParams) p: KeyParams, @CurrentPrincipal() who: Principal) {
    return this.experiments.transition(p.key, 'stopped', who);
  }
}
