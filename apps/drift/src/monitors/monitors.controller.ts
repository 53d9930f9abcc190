import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  Idempotent,
  RequireScope,
  ZBody,
  ZParams,
  ZQuery,
  type Principal,
  TeamCheckedInHandler,
  TeamResource,
} from '@modelyard/platform';
import { CreateMonitorBody, ListMonitorsQuery, MonitorPage, MonitorResponse, UpdateMonitorBody } from '@modelyard/types';
import { z } from 'zod';
import { MonitorsService } from './monitors.service.js';

export const MonitorParams = z.strictObject({ id: z.uuid() });
export type MonitorParams = z.infer<typeof MonitorParams>;

@Controller('v1/monitors')
export class MonitorsController {
  constructor(@Inject(MonitorsService) private readonly monitors: MonitorsService) {}

  @Post()
  @RequireScope('write')
  @Idempotent()
  @TeamResource('model', { from: 'body', field: 'model' })
  @ApiDoc({ summary: 'Create a drift monitor (scheduled at once)', response: MonitorResponse, status: 201, tags: ['monitors'] })
  create(@ZBody(CreateMonitorBody) body: CreateMonitorBody, @CurrentPrincipal() who: Principal) {
    return this.monitors.create(body, who.id);
  }

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({ summary: 'List the monitors of models the caller may read (filter by model)', response: MonitorPage, tags: ['monitors'] })
  list(@ZQuery(ListMonitorsQuery) query: ListMonitorsQuery, @CurrentPrincipal() who: Principal) {
    return this.monitors.list(query, who);
  }

  @Get(':id')
  @TeamResource('monitor')
  @ApiDoc({ summary: 'Get a monitor', response: MonitorResponse, tags: ['monitors'] })
  get(@ZParams(MonitorParams) p: MonitorParams) {
    return this.monitors.get(p.id);
  }

  @Patch(':id')
  @TeamResource('monitor')
  @RequireScope('write')
  @ApiDoc({
    summary: 'Change window, schedule, alerting, retraining or rules (features are fixed)',
    response: MonitorResponse,
    tags: ['monitors'],
  })
  update(@ZParams(MonitorParams) p: MonitorParams, @ZBody(UpdateMonitorBody) body: UpdateMonitorBody, @CurrentPrincipal() who: Principal) {
    return this.monitors.update(p.id, body, who.id);
  }

  @Delete(':id')
  @TeamResource('monitor')
  @RequireScope('admin')
  @HttpCode(204)
  @ApiDoc({ summary: 'Delete a monitor with its reference, window, reports and alerts', status: 204, tags: ['monitors'] })
  delete(@ZParams(MonitorParams) p: MonitorParams, @CurrentPrincipal() who: Principal) {
    return this.monitors.delete(p.id, who.id);
  }

  @Post(':id/pause')
  @TeamResource('monitor')
  @RequireScope('write')
  @HttpCode(200)
  @ApiDoc({ summary: 'Stop scheduled checks and ingestion', response: MonitorResponse, tags: ['monitors'] })
  pause(@ZParams(MonitorParams) p: MonitorParams, @CurrentPrincipal() who: Principal) {
    return this.monitors.pause(p.id, who.id);
  }

  @Post(':id/resume')
  @TeamResource('monitor')
  @RequireScope('write')
  @HttpCode(200)
  @ApiDoc({ summary: 'Resume scheduled checks and ingestion', response: MonitorResponse, tags: ['monitors'] })
  resume(@ZParams(MonitorParams) p: MonitorParams, @CurrentPrincipal() who: Principal) {
    return this.monitors.resume(p.id, who.id);
  }
}
