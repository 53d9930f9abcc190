import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, ZParams, TeamResource } from '@modelyard/platform';
import { ColumnName, DistributionResponse } from '@modelyard/types';
import { z } from 'zod';
import { DistributionsService } from './distributions.service.js';

const DistributionParams = z.strictObject({ id: z.uuid(), feature: ColumnName });

// Every route acts on one monitor: the team of its model decides.
@TeamResource('monitor')
@Controller('v1/monitors/:id/distributions')
export class DistributionsController {
  constructor(@Inject(DistributionsService) private readonly distributions: DistributionsService) {}

  @Get(':feature')
  @ApiDoc({
    summary: "A feature's reference and current-window distributions, binned alike (histogram or categories)",
    response: DistributionResponse,
    tags: ['checks'],
  })
  get(@ZParams(DistributionParams) p: z.infer<typeof DistributionParams>) {
    return this.distributions.of(p.id, p.feature);
  }
}
