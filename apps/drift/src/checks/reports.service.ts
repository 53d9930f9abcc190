import { Inject, Injectable } from '@nestjs/common';
import { toPage } from '@modelyard/platform';
import type { PageQuery } from '@modelyard/types';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { toReportResponse } from './reports.mapper.js';
import { ReportsRepository } from './reports.repository.js';

/** Reading a monitor's reports; they are written by checks (ChecksService). */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(ReportsRepository) private readonly reports: ReportsRepository,
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
  ) {}

  /** Newest first; an unknown monitor is a 404 rather than an empty page. */
  async list(monitorId: string, query: PageQuery) {
    await this.monitors.get(monitorId);
    return toPage(await this.reports.list(monitorId, query), query.limit, toReportResponse, (r) => r.id);
  }

  async get(monitorId: string, reportId: string) {
    return toReportResponse(await this.reports.get(monitorId, reportId));
  }
}
