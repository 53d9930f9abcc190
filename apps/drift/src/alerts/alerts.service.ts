import { Inject, Injectable } from '@nestjs/common';
import { toPage } from '@modelyard/platform';
import type { ListAlertsQuery } from '@modelyard/types';
import { toAlertResponse } from './alerts.mapper.js';
import { AlertsRepository } from './alerts.repository.js';

/** Reading and acknowledging alerts; they are raised by checks (ChecksService, with their report). */
@Injectable()
export class AlertsService {
  constructor(@Inject(AlertsRepository) private readonly alerts: AlertsRepository) {}

  async list(query: ListAlertsQuery) {
    return toPage(await this.alerts.list(query), query.limit, toAlertResponse, (a) => a.id);
  }

  async acknowledge(id: string, actor: string) {
    return toAlertResponse(await this.alerts.acknowledge(id, actor));
  }
}
