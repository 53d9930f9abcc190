import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, Idempotent, IngestionBody, RequireScope, ZBody, ZParams, TeamResource } from '@modelyard/platform';
import { LabelsBody, LabelsResponse } from '@modelyard/types';
import { MonitorParams } from '../monitors/monitors.controller.js';
import { LabelsService } from './labels.service.js';

// Every route acts on one monitor: the team of its model decides.
@TeamResource('monitor')
@Controller('v1/monitors/:id/labels')
export class LabelsController {
  constructor(@Inject(LabelsService) private readonly labels: LabelsService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('write')
  @Idempotent()
  @IngestionBody()
  @ApiDoc({
    summary: 'Join up to 10,000 labels to records sent earlier (by record id, within the label horizon); idempotent per id',
    response: LabelsResponse,
    tags: ['records'],
  })
  join(@ZParams(MonitorParams) p: MonitorParams, @ZBody(LabelsBody) body: LabelsBody) {
    return this.labels.join(p.id, body);
  }
}
