import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, TeamAccess, TeamCheckedInHandler, toPage, ZQuery, type Principal } from '@modelyard/platform';
import { AuditPage, AuditQuery, type AuditEventResponse } from '@modelyard/types';
import { auditCursorKey, AuditRepository, type AuditLogRow } from './audit.repository.js';

function toResponse(row: AuditLogRow): AuditEventResponse {
  return {
    id: row.id.toString(),
    service: row.service,
    model: row.modelName,
    action: row.action,
    actor: row.actor,
    target: row.target,
    subject: row.target,
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
    summary:
      'Audit log of every change in every service (registry, platform, experiments, drift, learning, serving) to models the caller may read, newest first',
    response: AuditPage,
    tags: ['audit'],
  })
  async list(@ZQuery(AuditQuery) query: AuditQuery, @CurrentPrincipal() who: Principal) {
    const readable = await this.teams.readableModels(who);
    return toPage(await this.audit.list(query, readable), query.limit, toResponse, auditCursorKey);
  }
}
