import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, ZBody, ZParams, ZQuery, TeamResource } from '@modelyard/platform';
import { PageQuery, ReportPage, ReportResponse, WindowCheckBody, WindowCheckJobResponse } from '@modelyard/types';
import { z } from 'zod';
import { MonitorParams } from '../monitors/monitors.controller.js';
import { ChecksService } from './checks.service.js';
import { ReportsService } from './reports.service.js';
import { WindowCheckJobsService } from './window-check-jobs.service.js';

const ReportParams = z.strictObject({ id: z.uuid(), reportId: z.uuid() });
const WindowCheckParams = z.strictObject({ id: z.uuid(), checkId: z.uuid() });

// Every route acts on one monitor: the team of its model decides.
@TeamResource('monitor')
@Controller('v1/monitors/:id')
export class ChecksController {
  constructor(
    @Inject(ChecksService) private readonly checks: ChecksService,
    @Inject(ReportsService) private readonly reports: ReportsService,
    @Inject(WindowCheckJobsService) private readonly windowChecks: WindowCheckJobsService,
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
  @HttpCode(202)
  @ApiDoc({
    summary:
      'Queue a check of a time window of any size ({lastHours} or {lastDays}): exact tests when it fits the hot window, sketches otherwise; poll GET check/window/:checkId',
    response: WindowCheckJobResponse,
    status: 202,
    tags: ['checks'],
  })
  checkWindow(@ZParams(MonitorParams) p: MonitorParams, @ZBody(WindowCheckBody) body: WindowCheckBody) {
    return this.windowChecks.request(p.id, body.window);
  }

  @Get('check/window/:checkId')
  @ApiDoc({
    summary: 'A queued time-window check: its status, and its result once done',
    response: WindowCheckJobResponse,
    tags: ['checks'],
  })
  windowCheck(@ZParams(WindowCheckParams) p: z.infer<typeof WindowCheckParams>) {
    return this.windowChecks.status(p.id, p.checkId);
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
