import type { ValidationReport as Report, ValidationCheckStatus } from '@modelyard/types';
import { formatNumber, formatTime } from '../components/format';
import { StatusBadge, type Tone } from '../components/status-badge';

const TONES = new Map<ValidationCheckStatus, Tone>([
  ['passed', 'good'],
  ['failed', 'bad'],
  ['skipped', 'neutral'],
]);

function StatusOf({ status }: { status: ValidationCheckStatus }) {
  return <StatusBadge label={status} tone={TONES.get(status) ?? 'neutral'} />;
}

/** How the version ran where it was validated, in words; null when the validator said nothing. */
function runtimeText(runtime: Report['runtime']): string | null {
  const parts: string[] = [];
  if (runtime.format) parts.push(runtime.format);
  if (runtime.latencyP50Ms !== undefined) parts.push(`latency p50 ${runtime.latencyP50Ms} ms`);
  if (runtime.latencyP99Ms !== undefined) parts.push(`p99 ${runtime.latencyP99Ms} ms`);
  if (runtime.runs !== undefined) parts.push(`over ${runtime.runs} runs`);
  return parts.length ? parts.join(', ') : null;
}

/** The version's newest validation report: verdict, who sent it and when, runtime, each check. */
export function ValidationReport({ version, report }: { version: string; report: Report | null }) {
  if (report === null) return <p data-testid="validation">v{version} has no validation report.</p>;
  const runtime = runtimeText(report.runtime);
  return (
    <div data-testid="validation" data-status={report.status}>
      <p>
        <StatusOf status={report.status} /> by {report.validator} ({report.validatedBy}), {formatTime(report.validatedAt)}
        {runtime && ` · ${runtime}`}
        {report.artifact && (
          <>
            {' '}
            · artifact {report.artifact.path} <code className="sha">{report.artifact.sha256}</code>
          </>
        )}
      </p>
      <table>
        <caption>Validation checks of v{version}</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Status</th>
            <th scope="col">Detail</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {report.checks.map((c) => (
            <tr key={c.name} data-check={c.name}>
              <th scope="row">{c.name}</th>
              <td>
                <StatusOf status={c.status} />
              </td>
              <td>{c.detail}</td>
              <td className="num">{c.value === undefined ? '—' : formatNumber(c.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
