import type { UpdateEntry } from '@modelyard/types';
import { Link } from 'wouter';
import { enc } from '../api';
import { formatNumber, formatTime } from '../components/format';
import { StatusBadge, type Tone } from '../components/status-badge';

const OUTCOME_TONES = new Map<string, Tone>([
  ['registered', 'good'],
  ['rejected', 'warn'],
  ['skipped', 'neutral'],
  ['failed', 'bad'],
]);

function GateCell({ gate }: { gate: UpdateEntry['gate'] }) {
  if (!gate) return <td>—</td>;
  return (
    <td>
      <StatusBadge label={gate.passed ? 'passed' : 'held'} tone={gate.passed ? 'good' : 'warn'} /> {gate.metric}{' '}
      {formatNumber(gate.candidate)} vs {gate.productionVersion ? `v${gate.productionVersion}` : 'production'}{' '}
      {formatNumber(gate.production)}
      <span className="reason">{gate.reason}</span>
    </td>
  );
}

/** Every update, newest first: why it ran, on how many samples, the gate's decision and the version it registered. */
export function UpdateHistory({ model, updates }: { model: string; updates: UpdateEntry[] }) {
  if (!updates.length) return <p>No update has run yet.</p>;
  return (
    <table data-testid="update-history">
      <caption className="visually-hidden">Update history</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Finished</th>
          <th scope="col">Reason</th>
          <th scope="col">Samples</th>
          <th scope="col">Outcome</th>
          <th scope="col">Gate</th>
          <th scope="col">Version</th>
        </tr>
      </thead>
      <tbody>
        {updates.map((u) => (
          <tr key={u.id} data-outcome={u.outcome}>
            <th scope="row">{u.seq}</th>
            <td>{formatTime(u.finishedAt)}</td>
            <td>{u.reason.replace('_', ' ')}</td>
            <td className="num">
              {u.samples.toLocaleString()} ({u.holdout.toLocaleString()} held out)
            </td>
            <td>
              <StatusBadge label={u.outcome} tone={OUTCOME_TONES.get(u.outcome) ?? 'neutral'} />
              {u.detail && <span className="reason">{u.detail}</span>}
            </td>
            <GateCell gate={u.gate} />
            <td>
              {u.version ? <Link href={`/models/${enc(model)}?version=${enc(u.version)}`}>v{u.version}</Link> : '—'}
              {u.experimentKey && (
                <>
                  {' '}
                  (<Link href={`/experiments/${enc(u.experimentKey)}`}>{u.experimentKey}</Link>)
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
