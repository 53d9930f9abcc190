import { Controller, Delete, Get, HttpCode, Inject, Put } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, RequireScope, TeamResource, ZBody, ZParams, type Principal } from '@modelyard/platform';
import { ShadowBody, ShadowReport, ShadowResponse } from '@modelyard/types';
import { ModelParams } from '../params.js';
import { ShadowService } from './shadow.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name/shadow')
export class ShadowController {
  constructor(@Inject(ShadowService) private readonly shadows: ShadowService) {}

  @Put()
  @RequireScope('write')
  @ApiDoc({
    summary: "Score a share of the model's predict calls with another version (or alias) too, off the request path",
    response: ShadowResponse,
    tags: ['shadow'],
  })
  set(@ZParams(ModelParams) p: ModelParams, @ZBody(ShadowBody) body: ShadowBody, @CurrentPrincipal() who: Principal) {
    return this.shadows.set(p.name, body, who.id);
  }

  @Get()
  @RequireScope('read')
  @ApiDoc({ summary: "The model's shadow", response: ShadowResponse, tags: ['shadow'] })
  get(@ZParams(ModelParams) p: ModelParams) {
    return this.shadows.get(p.name);
  }

  @Delete()
  @HttpCode(204)
  @RequireScope('write')
  @ApiDoc({ summary: 'Stop shadowing (its report goes with it)', status: 204, tags: ['shadow'] })
  delete(@ZParams(ModelParams) p: ModelParams, @CurrentPrincipal() who: Principal) {
    return this.shadows.delete(p.name, who.id);
  }

  @Get('report')
  @RequireScope('read')
  @ApiDoc({
    summary: 'Primary vs shadow since the shadow was set: agreement, mean absolute score difference, latencies',
    response: ShadowReport,
    tags: ['shadow'],
  })
  report(@ZParams(ModelParams) p: ModelParams) {
    return this.shadows.report(p.name);
  }
}
