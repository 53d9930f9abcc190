import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, TeamAccess, TeamCheckedInHandler, toPage, ZQuery, type Principal } from '@modelyard/platform';
import { AuditPage, AuditQuery, type AuditEventResponse } from '@modelyard/types';
import { AuditRepository } from './audit.repository.js';

type AuditRow = Awaited<ReturnType<AuditRepository['list']>>[number];

function toResponse(row: AuditRow): AuditEventResponse {
  return {
    id: row.id.toString(),
    model: row.modelName,
    action: row.action,
    actor: row.actor,
    subject: row.subject,
    before: (row.before ?? null) as AuditEventResponse['before'],
    after: (row.after ?? null) as AuditEventResponse['after'],
    reason: row.reason,
    requestId: row.requestId,
    at: row.at.toISOString(),
  };
}

@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
  ) {}

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({
    summary: 'Audit log of the registry changes to models the caller may read, newest first',
    response: AuditPage,
    tags: ['audit'],
  })
  async list(@ZQuery(AuditQuery) query: AuditQuery, @CurrentPrincipal() who: Principal) {
    const readable = await this.teams.readableModels(who);
    return toPage(await this.audit.list(query, readable), query.limit, toResponse, (row) => row.id.toString());
  }
}
