import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, ZBody, ZParams, ZQuery, type Principal, TeamResource } from '@modelyard/platform';
import { PageQuery, PipelineRef, PipelineResponse, RegisterTuningResponse, TuneBody, TuningPage, TuningResponse } from '@modelyard/types';
import { z } from 'zod';
import { RefParams } from '../pipelines/pipelines.controller.js';
import { TuningsService } from './tunings.service.js';

const TuningParams = z.strictObject({ id: PipelineRef, tuningId: z.uuid() });
type TuningParams = z.infer<typeof TuningParams>;

// Every route acts on one pipeline: the team of its model decides.
@TeamResource('pipeline')
@Controller('v1/pipelines')
export class TuningsController {
  constructor(@Inject(TuningsService) private readonly tunings: TuningsService) {}

  @Post(':id/tune')
  @HttpCode(202)
  @ApiDoc({
    summary: "Search the learner's hyperparameters (ASHA over Sobol, Halton or random configurations) on the buffered samples",
    response: TuningResponse,
    status: 202,
    tags: ['tunings'],
  })
  tune(@ZParams(RefParams) p: RefParams, @ZBody(TuneBody) body: TuneBody, @CurrentPrincipal() who: Principal) {
    return this.tunings.start(p.id, body, who);
  }

  @Get(':id/tunings')
  @ApiDoc({ summary: "A pipeline's tunings, newest first (without their trials)", response: TuningPage, tags: ['tunings'] })
  list(@ZParams(RefParams) p: RefParams, @ZQuery(PageQuery) query: PageQuery) {
    return this.tunings.list(p.id, query);
  }

  @Get(':id/tunings/:tuningId')
  @ApiDoc({
    summary: 'A tuning: progress, best configuration, every trial with its metric at each rung',
    response: TuningResponse,
    tags: ['tunings'],
  })
  get(@ZParams(TuningParams) p: TuningParams) {
    return this.tunings.get(p.id, p.tuningId);
  }

  @Post(':id/tunings/:tuningId/apply')
  @HttpCode(200)
  @ApiDoc({
    summary: "Set the pipeline's learner to the tuning's best configuration (recorded on the tuning)",
    response: PipelineResponse,
    tags: ['tunings'],
  })
  apply(@ZParams(TuningParams) p: TuningParams, @CurrentPrincipal() who: Principal) {
    return this.tunings.apply(p.id, p.tuningId, who);
  }

  @Post(':id/tunings/:tuningId/register')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Apply the best configuration and run an update now: gated, registered and experimented like any update',
    response: RegisterTuningResponse,
    status: 202,
    tags: ['tunings'],
  })
  register(@ZParams(TuningParams) p: TuningParams, @CurrentPrincipal() who: Principal) {
    return this.tunings.register(p.id, p.tuningId, who);
  }
}
