import type { ApprovalDecision, ApprovalsResponse } from '@modelyard/types';
import { useState } from 'react';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatTime } from '../components/format';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { useCan } from '../session';
import { useApprovals, useModelActions } from './model-queries';

function Standing({ a }: { a: ApprovalsResponse }) {
  if (a.ready) return <StatusBadge label={a.required ? 'approved' : 'no approvals required'} tone="good" />;
  if (a.rejected) return <StatusBadge label={`rejected by ${a.rejected}`} tone="bad" />;
  return <StatusBadge label={`${a.missing} more needed`} tone="warn" />;
}

/**
 * A version's approvals before production: the standing against the model's requirement, every
 * member's decision, and approve/reject for those who may write (the registry refuses the
 * version's creator: the four-eyes rule is the server's, the dialog shows its answer).
 */
export function ApprovalsPanel({ model, version }: { model: string; version: string }) {
  const approvals = useApprovals(model, version);
  const actions = useModelActions(model);
  const canWrite = useCan('write');
  const [open, setOpen] = useState<ApprovalDecision | null>(null);
  if (approvals.isError) return <Problem error={approvals.error} what="Approvals" />;
  if (!approvals.data) return <p aria-busy="true">Loading…</p>;
  const a = approvals.data;
  return (
    <div data-testid="approvals" data-ready={String(a.ready)}>
      <p>
        <Standing a={a} /> {a.approved} of {a.required} required approval(s) for v{version}
      </p>
      {a.by.length > 0 && (
        <ul>
          {a.by.map((d) => (
            <li key={d.actor} data-decision={d.decision}>
              <strong>{d.actor}</strong> {d.decision === 'approve' ? 'approved' : 'rejected'} {formatTime(d.at)}
              {d.comment && `: ${d.comment}`}
            </li>
          ))}
        </ul>
      )}
      {canWrite && a.required > 0 && (
        <div className="buttons">
          <button type="button" onClick={() => setOpen('approve')}>
            Approve
          </button>
          <button type="button" onClick={() => setOpen('reject')}>
            Reject
          </button>
        </div>
      )}
      {open && (
        <ConfirmDialog
          title={`${open === 'approve' ? 'Approve' : 'Reject'} v${version} for production?`}
          confirmLabel={open === 'approve' ? 'Approve' : 'Reject'}
          reasonRequired={open === 'reject'}
          onConfirm={(comment) => actions.decide(version, { decision: open, ...(comment ? { comment } : {}) })}
          onClose={() => setOpen(null)}
        >
          <p>Your decision replaces any earlier one of yours; the version's creator cannot decide on it.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
