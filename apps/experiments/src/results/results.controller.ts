import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, ZParams, TeamResource } from '@modelyard/platform';
import { ResultsHistoryResponse, ResultsResponse } from '@modelyard/types';
import { KeyParams } from '../experiments/experiments.controller.js';
import { ResultsService } from './results.service.js';

// Every route acts on one experiment: the team of its model decides.
@TeamResource('experiment', { field: 'key' })
@Controller('v1/experiments/:key/results')
export class ResultsController {
  constructor(@Inject(ResultsService) private readonly results: ResultsService) {}

  @Get()
  @ApiDoc({
    summary: 'Per-variant results, lifts, p-values (sequential when on), SRM, guardrails and a recommendation',
    response: ResultsResponse,
    tags: ['results'],
  })
  get(@ZParams(KeyParams) p: KeyParams) {
    return this.results.get(p.key);
  }

  @Get('history')
  @ApiDoc({
    summary: 'The comparisons (lift, intervals, confidence sequence, p-values) at each stored snapshot, oldest first',
    response: ResultsHistoryResponse,
    tags: ['results'],
  })
  history(@ZParams(KeyParams) p: KeyParams) {
    return this.results.historyOf(p.key);
  }
}
