import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, Idempotent, IngestionBody, ZBody, ZParams, ZQuery, TeamResource } from '@modelyard/platform';
import { IngestRecordsBody, IngestRecordsResponse, RecordsQuery, RecordsResponse } from '@modelyard/types';
import type { z } from 'zod';
import { MonitorParams } from '../monitors/monitors.controller.js';
import { RecordsService } from './records.service.js';

// Every route acts on one monitor: the team of its model decides.
@TeamResource('monitor')
@Controller('v1/monitors/:id/records')
export class RecordsController {
  constructor(@Inject(RecordsService) private readonly records: RecordsService) {}

  @Post()
  @HttpCode(200)
  @Idempotent()
  @IngestionBody()
  @ApiDoc({
    summary: 'Ingest up to 10,000 records; the whole batch is validated first and stored atomically',
    response: IngestRecordsResponse,
    tags: ['records'],
  })
  ingest(@ZParams(MonitorParams) p: MonitorParams, @ZBody(IngestRecordsBody) body: IngestRecordsBody) {
    return this.records.ingest(p.id, body);
  }

  @Get()
  @ApiDoc({ summary: 'Recent records, newest first (the last 1,000 are kept)', response: RecordsResponse, tags: ['records'] })
  recent(@ZParams(MonitorParams) p: MonitorParams, @ZQuery(RecordsQuery) q: z.infer<typeof RecordsQuery>) {
    return this.records.recent(p.id, q.limit);
  }
}
