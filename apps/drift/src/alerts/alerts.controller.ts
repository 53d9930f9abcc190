import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, toPage, ZParams, ZQuery, type Principal } from '@modelyard/platform';
import { AlertPage, AlertResponse, ListAlertsQuery } from '@modelyard/types';
import { z } from 'zod';
import { AlertsRepository, toAlertResponse } from './alerts.repository.js';

const AlertParams = z.strictObject({ id: z.uuid() });

@Controller('v1/alerts')
export class AlertsController {
  constructor(@Inject(AlertsRepository) private readonly alerts: AlertsRepository) {}

  @Get()
  @ApiDoc({ summary: 'Alerts, newest first (filter by status, monitor or model)', response: AlertPage, tags: ['alerts'] })
  async list(@ZQuery(ListAlertsQuery) q: ListAlertsQuery) {
    return toPage(await this.alerts.list(q), q.limit, toAlertResponse, (a) => a.id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiDoc({ summary: 'Acknowledge an alert', response: AlertResponse, tags: ['alerts'] })
  async acknowledge(@ZParams(AlertParams) p: z.infer<typeof AlertParams>, @CurrentPrincipal() who: Principal) {
    return toAlertResponse(await this.alerts.acknowledge(p.id, who.id));
  }
}
