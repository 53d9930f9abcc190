import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, Idempotent, IngestionBody, ZBody, ZParams, TeamResource } from '@modelyard/platform';
import { EventsBody, ExposuresBody, IngestResponse } from '@modelyard/types';
import { KeyParams } from '../experiments/experiments.controller.js';
import { OutcomesService } from './outcomes.service.js';

// Every route acts on one experiment: the team of its model decides.
@TeamResource('experiment', { field: 'key' })
@Controller('v1/experiments/:key')
export class OutcomesController {
  constructor(@Inject(OutcomesService) private readonly outcomes: OutcomesService) {}

  @Post('exposures')
  @HttpCode(200)
  @Idempotent()
  @IngestionBody()
  @ApiDoc({
    summary: 'Record units as exposed (up to 10,000 per batch; retried batches count once with Idempotency-Key)',
    response: IngestResponse,
    tags: ['outcomes'],
  })
  exposures(@ZParams(KeyParams) p: KeyParams, @ZBody(ExposuresBody) body: ExposuresBody) {
    return this.outcomes.exposures(p.key, body);
  }

  @Post('events')
  @HttpCode(200)
  @Idempotent()
  @IngestionBody()
  @ApiDoc({
    summary: 'Record metric values per unit (up to 10,000 per batch); kept as sufficient statistics',
    response: IngestResponse,
    tags: ['outcomes'],
  })
  events(@ZParams(KeyParams) p: KeyParams, @ZBody(EventsBody) body: EventsBody) {
    return this.outcomes.events(p.key, body);
  }
}
