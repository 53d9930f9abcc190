import type { VersionApproval } from '@modelyard/db';
import type { ApprovalResponse } from '@modelyard/types';

export function toApprovalResponse(row: VersionApproval): ApprovalResponse {
  return { actor: row.actor, decision: row.decision, comment: row.comment, at: row.createdAt.toISOString() };
}
