import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, ZBody, ZParams, type Principal, TeamResource } from '@modelyard/platform';
import { ConcludeBody, ConcludeResponse } from '@modelyard/types';
import { KeyParams } from '../experiments/experiments.controller.js';
import { ConclusionService } from './conclusion.service.js';

// Every route acts on one experiment: the team of its model decides.
@TeamResource('experiment', { field: 'key' })
@Controller('v1/experiments/:key/conclude')
export class ConclusionController {
  constructor(@Inject(ConclusionService) private readonly conclusion: ConclusionService) {}

  @Post()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Conclude with a recorded decision; optionally promote the winner in the registry (admin)',
    response: ConcludeResponse,
    tags: ['experiments'],
  })
  conclude(@ZParams(KeyParams) p: KeyParams, @ZBody(ConcludeBody) body: ConcludeBody, @CurrentPrincipal() who: Principal) {
    return this.conclusion.conclude(p.key, body, who);
  }
}
