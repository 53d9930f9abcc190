import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, ZParams, ZQuery, type Principal, TeamCheckedInHandler, TeamResource } from '@modelyard/platform';
import { AlertPage, AlertResponse, ListAlertsQuery } from '@modelyard/types';
import { z } from 'zod';
import { AlertsService } from './alerts.service.js';

const AlertParams = z.strictObject({ id: z.uuid() });

@Controller('v1/alerts')
export class AlertsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({
    summary: 'Alerts of models the caller may read, newest first (filter by status, monitor or model)',
    response: AlertPage,
    tags: ['alerts'],
  })
  list(@ZQuery(ListAlertsQuery) q: ListAlertsQuery, @CurrentPrincipal() who: Principal) {
    return this.alerts.list(q, who);
  }

  @Post(':id/acknowledge')
  @TeamResource('alert')
  @HttpCode(200)
  @ApiDoc({ summary: 'Acknowledge an alert', response: AlertResponse, tags: ['alerts'] })
  acknowledge(@ZParams(AlertParams) p: z.infer<typeof AlertParams>, @CurrentPrincipal() who: Principal) {
    return this.alerts.acknowledge(p.id, who.id);
  }
}
