import type { ReportResponse } from '@modelyard/types';
import { formatNumber, formatTime } from '../components/format';
import { percent } from '../experiments/health';
import { SeverityBadge } from './severity-badge';

/** Every check, newest first: severity, drifted features, window, operational signals. */
export function ReportHistory({ reports }: { reports: ReportResponse[] }) {
  if (!reports.length) return <p>No check has run yet.</p>;
  return (
    <table data-testid="report-history">
      <caption className="visually-hidden">Report history</caption>
      <thead>
        <tr>
          <th scope="col">Checked</th>
          <th scope="col">Severity</th>
          <th scope="col">Drifted features</th>
          <th scope="col">Window</th>
          <th scope="col">Success rate</th>
          <th scope="col">Mean confidence</th>
          <th scope="col">Latency p95 (ms)</th>
          <th scope="col">Accuracy</th>
          <th scope="col">Trigger</th>
        </tr>
      </thead>
      <tbody>
        {reports.map((r) => (
          <tr key={r.id}>
            <th scope="row">{formatTime(r.createdAt)}</th>
            <td>
              <SeverityBadge severity={r.severity} />
            </td>
            <td>
              {r.features
                .filter((f) => f.drifted)
                .map((f) => f.name)
                .join(', ') || 'none'}
            </td>
            <td className="num">{r.windowRecords.toLocaleString()}</td>
            <td className="num">{percent(r.signals.successRate)}</td>
            <td className="num">{formatNumber(r.signals.meanConfidence)}</td>
            <td className="num">{formatNumber(r.signals.latencyP95Ms)}</td>
            <td className="num">{percent(r.performance?.accuracy)}</td>
            <td>
              {r.trigger}
              {r.retrainTriggered && ', retrain'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
