import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, toPage, ZParams, ZQuery } from '@modelyard/platform';
import { PageQuery, ReportPage, ReportResponse } from '@modelyard/types';
import { z } from 'zod';
import { MonitorParams } from '../monitors/monitors.controller.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { ChecksService } from './checks.service.js';
import { toReportResponse } from './reports.mapper.js';
import { ReportsRepository } from './reports.repository.js';

const ReportParams = z.strictObject({ id: z.uuid(), reportId: z.uuid() });

@Controller('v1/monitors/:id')
export class ChecksController {
  constructor(
    @Inject(ChecksService) private readonly checks: ChecksService,
    @Inject(ReportsRepository) private readonly reports: ReportsRepository,
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
  ) {}

  @Post('check')
  @HttpCode(200)
  @ApiDoc({ summary: 'Check the current window now (as a queued job) and answer with its report', response: ReportResponse, tags: ['checks'] })
  async check(@ZParams(MonitorParams) p: MonitorParams) {
    return toReportResponse(await this.checks.onDemand(p.id));
  }

  @Get('reports')
  @ApiDoc({ summary: 'Reports of a monitor, newest first', response: ReportPage, tags: ['checks'] })
  async list(@ZParams(MonitorParams) p: MonitorParams, @ZQuery(PageQuery) q: PageQuery) {
    await this.monitors.get(p.id);
    return toPage(await this.reports.list(p.id, q), q.limit, toReportResponse, (r) => r.id);
  }

  @Get('reports/:reportId')
  @ApiDoc({ summary: 'One report', response: ReportResponse, tags: ['checks'] })
  async get(@ZParams(ReportParams) p: z.infer<typeof ReportParams>) {
    return toReportResponse(await this.reports.get(p.id, p.reportId));
  }
}
