import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { toPage, TeamAccess, TeamResolvers, type Principal } from '@modelyard/platform';
import type { ListAlertsQuery } from '@modelyard/types';
import { toAlertResponse } from './alerts.mapper.js';
import { AlertsRepository } from './alerts.repository.js';

/** Reading and acknowledging alerts; they are raised by checks (ChecksService, with their report). */
@Injectable()
export class AlertsService implements OnModuleInit {
  constructor(
    @Inject(AlertsRepository) private readonly alerts: AlertsRepository,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
    @Inject(TeamResolvers) private readonly resolvers: TeamResolvers,
  ) {}

  /** Routes on `/v1/alerts/:id` are checked against the team of the alert's model. */
  onModuleInit(): void {
    this.resolvers.register('alert', (id) => this.alerts.modelOf(id));
  }

  async list(query: ListAlertsQuery, who: Principal) {
    return toPage(await this.alerts.list(query, await this.teams.readableModels(who)), query.limit, toAlertResponse, (a) => a.id);
  }

  async acknowledge(id: string, actor: string) {
    return toAlertResponse(await this.alerts.acknowledge(id, actor));
  }
}
