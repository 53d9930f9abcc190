import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, Idempotent, IngestionBody, TeamResource, ZBody, ZParams, type Principal } from '@modelyard/platform';
import { ReferenceBody, ReferenceFromRangeBody, ReferenceResponse } from '@modelyard/types';
import { MonitorParams } from '../monitors/monitors.controller.js';
import { ReferenceService } from './reference.service.js';

// Every route acts on one monitor: the team of its model decides.
@TeamResource('monitor')
@Controller('v1/monitors/:id/reference')
export class ReferenceController {
  constructor(@Inject(ReferenceService) private readonly reference: ReferenceService) {}

  @Post()
  @HttpCode(200)
  @Idempotent()
  @IngestionBody()
  @ApiDoc({
    summary: 'Set (or with append: extend) the reference from records or columns',
    response: ReferenceResponse,
    tags: ['reference'],
  })
  upload(@ZParams(MonitorParams) p: MonitorParams, @ZBody(ReferenceBody) body: ReferenceBody, @CurrentPrincipal() who: Principal) {
    return this.reference.upload(p.id, body, who.id);
  }

  @Post('from-window')
  @HttpCode(200)
  @ApiDoc({ summary: 'Freeze the current window as the reference', response: ReferenceResponse, tags: ['reference'] })
  fromWindow(@ZParams(MonitorParams) p: MonitorParams, @CurrentPrincipal() who: Principal) {
    return this.reference.fromWindow(p.id, who.id);
  }

  @Post('from-range')
  @HttpCode(200)
  @ApiDoc({
    summary: "Set the reference from the monitor's own records of a past time range {from, to} (hourly summaries, kept 8 days)",
    response: ReferenceResponse,
    tags: ['reference'],
  })
  fromRange(
    @ZParams(MonitorParams) p: MonitorParams,
    @ZBody(ReferenceFromRangeBody) body: ReferenceFromRangeBody,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.reference.fromRange(p.id, body, who.id);
  }
}
