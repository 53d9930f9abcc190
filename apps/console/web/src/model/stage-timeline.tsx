import type { AuditEventResponse } from '@modelyard/types';
import { formatTime } from '../components/format';

/** A before/after value of the audit log in a few words (stage, version or alias target). */
function describe(value: AuditEventResponse['before']): string {
  if (value === null) return '—';
  if (typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const parts: string[] = [];
  for (const key of ['stage', 'version', 'production']) {
    const part = value[key];
    if (part !== undefined) parts.push(`${key} ${typeof part === 'string' ? part : JSON.stringify(part)}`);
  }
  return parts.join(', ') || '—';
}

/** Who changed what, when and why: the model's audit log, newest first. */
export function StageTimeline({ events }: { events: AuditEventResponse[] }) {
  if (!events.length) return <p>No change recorded yet.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => (
        <li key={e.id}>
          <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{e.action}</strong> {e.subject} by {e.actor}
          {(e.before !== null || e.after !== null) && (
            <span className="change">
              {' '}
              ({describe(e.before)} → {describe(e.after)})
            </span>
          )}
          {e.reason && <q className="reason">{e.reason}</q>}
        </li>
      ))}
    </ol>
  );
}
