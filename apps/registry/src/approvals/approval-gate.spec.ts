import type { ApprovalResponse } from '@modelyard/types';
import { approvalStanding, assertApproved } from './approval-gate.js';

const d = (actor: string, decision: 'approve' | 'reject'): ApprovalResponse => ({
  actor,
  decision,
  comment: null,
  at: '2026-12-02T07:00:00.000Z',
});

describe('approval standing', () => {
  it('counts approvals against the requirement and never the creator', () => {
    const s = approvalStanding(2, 'carl', [d('carl', 'approve'), d('ann', 'approve')]);
    expect(s).toMatchObject({ required: 2, approved: 1, rejected: 0, missing: 1, ready: false });
    expect(s.by.map((x) => x.actor)).toEqual(['ann']);
  });

  it('is ready with enough approvals and no rejection; a rejection blocks even past the requirement', () => {
    expect(approvalStanding(1, 'carl', [d('ann', 'approve')]).ready).toBe(true);
    expect(approvalStanding(1, 'carl', [d('ann', 'approve'), d('bob', 'reject')])).toMatchObject({ missing: 0, rejected: 1, ready: false });
  });

  it('never gates a model that requires none', () => {
    expect(approvalStanding(0, 'carl', [d('bob', 'reject')])).toMatchObject({ missing: 0, rejected: 1, ready: true });
  });
});

describe('the approvals check', () => {
  it('names what is missing and who rejected, with the machine-readable members', () => {
    const standing = approvalStanding(3, 'carl', [d('ann', 'approve'), d('bob', 'reject')]);
    expect(() => assertApproved('churn@1.0.0', standing)).toThrow(
      'churn@1.0.0 may not enter production: 2 of 3 approvals missing (approved: 1); rejected by bob',
    );
    const thrown = (() => {
      try {
        assertApproved('churn@1.0.0', standing);
        return null;
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toMatchObject({ status: 409, code: 'approvals_pending', extra: { approvalsMissing: 2, rejectedBy: ['bob'] } });
    expect(() => assertApproved('churn@1.0.0', approvalStanding(1, 'carl', [d('ann', 'approve')]))).not.toThrow();
  });
});
