import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, Idempotent, IngestionBody, ZBody, ZParams, TeamResource } from '@modelyard/platform';
import { SamplesBody, SamplesResponse } from '@modelyard/types';
import { RefParams } from '../pipelines/pipelines.controller.js';
import { SamplesService } from './samples.service.js';

// Every route acts on one pipeline: the team of its model decides.
@TeamResource('pipeline')
@Controller('v1/pipelines/:id/samples')
export class SamplesController {
  constructor(@Inject(SamplesService) private readonly samples: SamplesService) {}

  @Post()
  @HttpCode(202)
  @Idempotent()
  @IngestionBody()
  @ApiDoc({
    summary: 'Buffer a batch of labelled samples (all or nothing; Idempotency-Key honoured)',
    response: SamplesResponse,
    status: 202,
    tags: ['samples'],
  })
  ingest(@ZParams(RefParams) p: RefParams, @ZBody(SamplesBody) body: SamplesBody) {
    return this.samples.ingest(p.id, body);
  }
}
