import type { MonitorResponse } from '@modelyard/types';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { useQueryParams } from '../components/use-query-params';
import { useMonitors, useReports } from '../drift/drift-queries';
import { SeverityBadge } from '../drift/severity-badge';

/** The latest report's severity and time (a monitor never checked has none). */
function LatestCells({ monitor }: { monitor: MonitorResponse }) {
  const reports = useReports(monitor.id, 1);
  if (reports.isError)
    return (
      <td colSpan={2} title={reports.error.message}>
        unavailable
      </td>
    );
  if (!reports.data)
    return (
      <td colSpan={2} aria-busy="true">
        …
      </td>
    );
  const latest = reports.data.items[0];
  if (!latest) return <td colSpan={2}>not checked yet</td>;
  return (
    <>
      <td>
        <SeverityBadge severity={latest.severity} />
      </td>
      <td>{formatTime(latest.createdAt)}</td>
    </>
  );
}

/** Drift monitors with their latest severity; filter by model. */
export function DriftPage() {
  usePageTitle('Drift');
  const [params, update] = useQueryParams();
  const model = params.get('model') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const [draftModel, setDraftModel] = useState(model);
  const monitors = useMonitors(model, cursor);
  const search = (event: FormEvent) => {
    event.preventDefault();
    update({ model: draftModel.trim(), cursor: undefined });
  };
  return (
    <section>
      <h1>Drift</h1>
      <form className="filters" role="search" onSubmit={search}>
        <label htmlFor="monitors-model">Model</label>
        <input id="monitors-model" type="text" value={draftModel} onChange={(e) => setDraftModel(e.target.value)} />
        <button type="submit">Filter</button>
      </form>
      {monitors.isError && <Problem error={monitors.error} what="Monitors could not be loaded" />}
      {monitors.data && (
        <>
          <table data-testid="monitors">
            <caption className="visually-hidden">Drift monitors</caption>
            <thead>
              <tr>
                <th scope="col">Monitor</th>
                <th scope="col">Model</th>
                <th scope="col">State</th>
                <th scope="col">Latest severity</th>
                <th scope="col">Checked</th>
                <th scope="col">Features</th>
                <th scope="col">Records</th>
              </tr>
            </thead>
            <tbody>
              {monitors.data.items.map((m) => (
                <tr key={m.id} data-monitor={m.name}>
                  <th scope="row">
                    <Link href={`/drift/${enc(m.id)}`}>{m.name}</Link>
                  </th>
                  <td>
                    <Link href={`/models/${enc(m.model)}`}>{m.model}</Link>
                    {m.version && ` v${m.version}`}
                  </td>
                  <td>
                    <StatusBadge label={m.status} tone={m.status === 'active' ? 'info' : 'neutral'} />
                  </td>
                  <LatestCells monitor={m} />
                  <td>{m.features.length}</td>
                  <td className="num">{m.recordsIngested.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {monitors.data.items.length === 0 && <p>No monitor matches.</p>}
          <nav className="pager" aria-label="Pages">
            {cursor && (
              <button type="button" onClick={() => update({ cursor: undefined })}>
                First page
              </button>
            )}
            {monitors.data.nextCursor && (
              <button type="button" onClick={() => update({ cursor: monitors.data.nextCursor ?? undefined })}>
                Next page
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
