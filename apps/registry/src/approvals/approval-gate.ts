import { DomainError } from '@modelyard/platform';
import { ErrorCode, type ApprovalResponse, type ApprovalsResponse } from '@modelyard/types';

/**
 * Where a version stands against its model's requirement. Only current decisions count (one per
 * member: a repeated approval replaces the earlier one, so it counts once), and never the creator's
 * (four-eyes; the route refuses them, this keeps the count honest for rows written any other way).
 * With `required` 0 there is no gate: decisions are recorded and shown, and `ready` stays true.
 */
export function approvalStanding(required: number, createdBy: string, decisions: ApprovalResponse[]): ApprovalsResponse {
  const by = decisions.filter((d) => d.actor !== createdBy);
  const approved = by.filter((d) => d.decision === 'approve').length;
  const rejected = by.length - approved;
  const missing = Math.max(0, required - approved);
  return { required, approved, rejected, missing, ready: required === 0 || (missing === 0 && rejected === 0), by };
}

/** The four-eyes rule: whoever created a version may not approve or reject it. */
export function assertNotCreator(subject: string, createdBy: string, actor: string): void {
  if (createdBy !== actor) return;
  throw new DomainError(
    403,
    ErrorCode.forbidden,
    'Forbidden',
    `four-eyes rule: ${actor} created ${subject} and may not approve or reject it; another member must decide`,
    { createdBy },
  );
}

/** What is missing, in words: "1 of 2 approvals missing; rejected by alice". */
function missingText(s: ApprovalsResponse): string {
  const parts = s.missing ? [`${s.missing} of ${s.required} approvals missing (approved: ${s.approved})`] : [];
  const rejectors = s.by.filter((d) => d.decision === 'reject').map((d) => d.actor);
  if (rejectors.length) parts.push(`rejected by ${rejectors.join(', ')}`);
  return parts.join('; ');
}

/**
 * Refuses production while the standing is not ready: a 409 `approvals_pending` whose
 * `approvalsMissing` and `rejectedBy` an automated caller can wait on (ApprovalsMissingProblem).
 */
export function assertApproved(subject: string, standing: ApprovalsResponse): void {
  if (standing.ready) return;
  throw new DomainError(
    409,
    ErrorCode.approvalsPending,
    'Approvals missing',
    `${subject} may not enter production: ${missingText(standing)}`,
    {
      approvalsMissing: standing.missing,
      rejectedBy: standing.by.filter((d) => d.decision === 'reject').map((d) => d.actor),
      approvals: standing,
    },
  );
}
