import { z } from 'zod';
import { Problem, safeText } from './common.js';

// ---------------------------------------------------------------- approvals before production

/** How many approvals a model needs before a version may enter production (0: no gate). */
export const RequiredApprovals = z.number().int().min(0).max(10);

export const ApprovalDecision = z.enum(['approve', 'reject']);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

export const ApprovalBody = z.strictObject({
  decision: ApprovalDecision,
  comment: safeText().max(2000).optional(),
});
export type ApprovalBody = z.infer<typeof ApprovalBody>;

/** One member's current decision on a version (a later one by the same member replaces it). */
export const ApprovalResponse = z.object({
  actor: z.string(),
  decision: ApprovalDecision,
  comment: z.string().nullable(),
  at: z.string(),
});
export type ApprovalResponse = z.infer<typeof ApprovalResponse>;

/**
 * Where a version stands against its model's requirement. `missing` is the number of approvals
 * still needed; `ready` is whether the approvals allow production (no rejection, none missing, or a
 * model that requires none).
 */
export const ApprovalsResponse = z.object({
  required: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  missing: z.number().int(),
  ready: z.boolean(),
  by: z.array(ApprovalResponse),
});
export type ApprovalsResponse = z.infer<typeof ApprovalsResponse>;

/**
 * The 409 (code `approvals_pending`) a promotion gets while the version lacks approvals or has a
 * rejection. `approvalsMissing` (≥ 0) and `rejectedBy` let an automated caller tell "waiting for
 * approvals" from any other conflict without reading the text.
 */
export const ApprovalsMissingProblem = Problem.extend({
  approvalsMissing: z.number().int(),
  rejectedBy: z.array(z.string()),
  approvals: ApprovalsResponse,
});
export type ApprovalsMissingProblem = z.infer<typeof ApprovalsMissingProblem>;
