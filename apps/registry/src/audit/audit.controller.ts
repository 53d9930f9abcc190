import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, toPage, ZQuery } from '@modelyard/platform';
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
  constructor(@Inject(AuditRepository) private readonly audit: AuditRepository) {}

  @Get()
  @ApiDoc({ summary: 'Audit log of every registry change, newest first', response: AuditPage, tags: ['audit'] })
  async list(@ZQuery(AuditQuery) query: AuditQuery) {
    return toPage(await this.audit.list(query), query.limit, toResponse, (row) => row.id.toString());
  }
}
