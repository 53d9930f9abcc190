import type { ExperimentResponse } from '@modelyard/types';
import { useState } from 'react';
import { ConfirmDialog } from '../components/confirm-dialog';
import { useCan } from '../session';
import { useExperimentActions } from './experiment-queries';

type Action = 'start' | 'stop' | 'conclude';

/** Start, stop and conclude, each after a confirmation; shown only to those who may write. */
export function ExperimentActions({ experiment }: { experiment: ExperimentResponse }) {
  const canWrite = useCan('write');
  const canPromote = useCan('admin');
  const actions = useExperimentActions(experiment.key);
  const [open, setOpen] = useState<Action | null>(null);
  const [promote, setPromote] = useState(false);
  if (!canWrite) return null;
  const { status } = experiment;
  const close = () => setOpen(null);
  return (
    <div className="buttons">
      {(status === 'draft' || status === 'stopped') && (
        <button type="button" onClick={() => setOpen('start')}>
          {status === 'draft' ? 'Start' : 'Restart'}
        </button>
      )}
      {status === 'running' && (
        <button type="button" onClick={() => setOpen('stop')}>
          Stop
        </button>
      )}
      {(status === 'running' || status === 'stopped') && (
        <button type="button" onClick={() => setOpen('conclude')}>
          Conclude
        </button>
      )}
      {open === 'start' && (
        <ConfirmDialog title={`Start ${experiment.key}?`} confirmLabel="Start" askReason={false} onConfirm={actions.start} onClose={close}>
          <p>Units will be assigned to its variants and its outcomes counted from now on.</p>
        </ConfirmDialog>
      )}
      {open === 'stop' && (
        <ConfirmDialog title={`Stop ${experiment.key}?`} confirmLabel="Stop" askReason={false} onConfirm={actions.stop} onClose={close}>
          <p>Assignment stops: every unit gets the control again. It can be restarted or concluded later.</p>
        </ConfirmDialog>
      )}
      {open === 'conclude' && (
        <ConfirmDialog
          title={`Conclude ${experiment.key}?`}
          confirmLabel="Conclude"
          reasonRequired={false}
          onConfirm={(reason) => actions.conclude({ ...(reason ? { reason } : {}), ...(canPromote ? { promote } : {}) })}
          onClose={close}
        >
          <p>The results are frozen with their recommendation; a concluded experiment cannot run again.</p>
          {canPromote && (
            <label className="check">
              <input type="checkbox" checked={promote} onChange={(e) => setPromote(e.target.checked)} /> Promote the winner to production
            </label>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
