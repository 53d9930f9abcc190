import type { AlertResponse } from '@modelyard/types';
import { useState } from 'react';
import { formatTime } from '../components/format';
import { Problem } from '../components/problem';
import { useCan } from '../session';
import { useAcknowledge } from './drift-queries';
import { SeverityBadge } from './severity-badge';

/** A monitor's alerts, newest first; those who may write acknowledge the active ones. */
export function AlertsList({ monitorId, alerts }: { monitorId: string; alerts: AlertResponse[] }) {
  const canWrite = useCan('write');
  const acknowledge = useAcknowledge(monitorId);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (!alerts.length) return <p>No alert.</p>;
  const ack = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await acknowledge(id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      {error !== null && <Problem error={error} what="Acknowledge" />}
      <ol className="timeline" data-testid="alerts">
        {alerts.map((a) => (
          <li key={a.id} data-alert={a.status}>
            <time dateTime={a.createdAt}>{formatTime(a.createdAt)}</time> <SeverityBadge severity={a.severity} /> {a.message}{' '}
            {a.status === 'acknowledged' ? (
              <span className="hint">
                acknowledged by {a.acknowledgedBy}
                {a.acknowledgedAt && ` on ${formatTime(a.acknowledgedAt)}`}
              </span>
            ) : (
              canWrite && (
                <button type="button" onClick={() => void ack(a.id)} disabled={busy === a.id} aria-label={`Acknowledge: ${a.message}`}>
                  Acknowledge
                </button>
              )
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
