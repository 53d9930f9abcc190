import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, ZBody, ZParams, ZQuery } from '@modelyard/platform';
import { PageQuery, ReportPage, ReportResponse, WindowCheckBody, WindowCheckResponse } from '@modelyard/types';
import { z } from 'zod';
import { MonitorParams } from '../monitors/monitors.controller.js';
import { ChecksService } from './checks.service.js';
import { ReportsService } from './reports.service.js';
import { WindowChecksService } from './window-checks.service.js';

const ReportParams = z.strictObject({ id: z.uuid(), reportId: z.uuid() });

@Controller('v1/monitors/:id')
export class ChecksController {
  constructor(
    @Inject(ChecksService) private readonly checks: ChecksService,
    @Inject(ReportsService) private readonly reports: ReportsService,
    @Inject(WindowChecksService) private readonly windowChecks: WindowChecksService,
  ) {}

  @Post('check')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Check the current window now (as a queued job) and answer with its report',
    response: ReportResponse,
    tags: ['checks'],
  })
  check(@ZParams(MonitorParams) p: MonitorParams) {
    return this.checks.onDemand(p.id);
  }

  @Post('check/window')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Check a time window of any size ({lastHours} or {lastDays}): exact tests when it fits the hot window, sketches otherwise',
    response: WindowCheckResponse,
    tags: ['checks'],
  })
  checkWindow(@ZParams(MonitorParams) p: MonitorParams, @ZBody(WindowCheckBody) body: WindowCheckBody) {
    return this.windowChecks.check(p.id, body.window);
  }

  @Get('reports')
  @ApiDoc({ summary: 'Reports of a monitor, newest first', response: ReportPage, tags: ['checks'] })
  list(@ZParams(MonitorParams) p: MonitorParams, @ZQuery(PageQuery) q: PageQuery) {
    return this.reports.list(p.id, q);
  }

  @Get('reports/:reportId')
  @ApiDoc({ summary: 'One report', response: ReportResponse, tags: ['checks'] })
  get(@ZParams(ReportParams) p: z.infer<typeof ReportParams>) {
    return this.reports.get(p.id, p.reportId);
  }
}
