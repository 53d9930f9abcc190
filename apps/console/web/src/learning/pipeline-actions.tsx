import type { PipelineResponse } from '@modelyard/types';
import { useState } from 'react';
import { ConfirmDialog } from '../components/confirm-dialog';
import { useCan } from '../session';
import { usePipelineActions } from './learning-queries';

type Action = 'trigger' | 'pause' | 'resume';

/** Trigger an update now, pause or resume; each confirmed, and only for those who may write. */
export function PipelineActions({ pipeline }: { pipeline: PipelineResponse }) {
  const canWrite = useCan('write');
  const actions = usePipelineActions(pipeline.id);
  const [open, setOpen] = useState<Action | null>(null);
  const [triggered, setTriggered] = useState<string | null>(null);
  if (!canWrite) return null;
  const close = () => setOpen(null);
  const paused = pipeline.state === 'paused';
  return (
    <div className="buttons">
      <button type="button" onClick={() => setOpen('trigger')}>
        Trigger update
      </button>
      <button type="button" onClick={() => setOpen(paused ? 'resume' : 'pause')}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      {triggered && (
        <span role="status" className="hint">
          {triggered}
        </span>
      )}
      {open === 'trigger' && (
        <ConfirmDialog
          title={`Update ${pipeline.name} now?`}
          confirmLabel="Trigger"
          askReason={false}
          onConfirm={async () => {
            const res = await actions.trigger();
            setTriggered(`Update queued (job ${res.jobId}).`);
          }}
          onClose={close}
        >
          <p>The learner trains on the buffered samples; the gate decides whether the result is registered.</p>
        </ConfirmDialog>
      )}
      {open === 'pause' && (
        <ConfirmDialog title={`Pause ${pipeline.name}?`} confirmLabel="Pause" askReason={false} onConfirm={actions.pause} onClose={close}>
          <p>No update runs while paused; samples are still buffered.</p>
        </ConfirmDialog>
      )}
      {open === 'resume' && (
        <ConfirmDialog
          title={`Resume ${pipeline.name}?`}
          confirmLabel="Resume"
          askReason={false}
          onConfirm={actions.resume}
          onClose={close}
        >
          <p>Updates run again by the pipeline's strategy.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
