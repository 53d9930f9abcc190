import type { ApiError } from '@modelyard/platform';
import { ApprovalsMissingProblem, Problem } from '@modelyard/types';
import { z } from 'zod';

/** The 409 of every route that can put a version into production, as the OpenAPI document shows it. */
export const APPROVALS_MISSING_DOC: ApiError = {
  status: 409,
  description:
    'Conflict. `approvals_pending`: the version lacks the approvals its model requires or has a rejection ' +
    '(`approvalsMissing`, `rejectedBy`, `approvals`); other codes (`invalid_transition`, `promotion_policy_rejected`, ' +
    '`conflict`) are plain problems',
  schema: z.union([ApprovalsMissingProblem, Problem]),
};
