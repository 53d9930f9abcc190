import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Problem } from './problem';

interface ConfirmDialogProps {
  title: string;
  /** What will happen, and any check shown before confirming (e.g. the promotion policy). */
  children?: ReactNode;
  confirmLabel: string;
  /** Runs the action with the audit reason; a rejection is shown in the dialog. */
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: () => void;
  /** Whether a reason is required (every audited action asks for one). */
  reasonRequired?: boolean;
  /** False for actions whose API keeps no reason: the field is not shown (nothing would keep it). */
  askReason?: boolean;
}

/**
 * A modal confirmation that asks for the reason written to the audit log. The native <dialog>
 * gives focus trapping, Escape to close and the inert page behind it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  reasonRequired = true,
  askReason = true,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} aria-labelledby={`${id}-title`} onClose={onClose} onCancel={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        {askReason && (
          <>
            <label htmlFor={`${id}-reason`}>Reason (kept in the audit log)</label>
            <textarea
              id={`${id}-reason`}
              required={reasonRequired}
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </>
        )}
        {error !== null && <Problem error={error} />}
        <div className="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
