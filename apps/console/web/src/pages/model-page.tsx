import { useState } from 'react';
import { Link } from 'wouter';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { useQueryParams } from '../components/use-query-params';
import { ActionDialog, type OpenAction } from '../model/action-dialogs';
import { ApprovalsPanel } from '../model/approvals-panel';
import { ArtifactsList } from '../model/artifacts-list';
import { ValidationReport } from '../model/validation-report';
import { MetricChart } from '../model/metric-chart';
import { useAliases, useAudit, useModel, useVersion, useVersions } from '../model/model-queries';
import { StageTimeline } from '../model/stage-timeline';
import { VersionsTable } from '../model/versions-table';
import { useCan } from '../session';

const KEY_METRICS = 4;

/** Every metric name the versions report, most reported first. */
function metricNames(versions: { metrics: Record<string, number> }[]): string[] {
  const counts = new Map<string, number>();
  for (const v of versions) for (const name of Object.keys(v.metrics)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

/** A model: versions, a metric across them, aliases, its stage/alias history, approvals, artifacts, validation, actions. */
export function ModelPage({ name }: { name: string }) {
  usePageTitle(name);
  const [params, update] = useQueryParams();
  const model = useModel(name);
  const versions = useVersions(name);
  const aliases = useAliases(name);
  const audit = useAudit(name);
  const canPromote = useCan('admin');
  const [action, setAction] = useState<OpenAction | null>(null);

  const items = versions.data?.items ?? [];
  const metrics = metricNames(items);
  const metric = params.get('metric') && metrics.includes(params.get('metric')!) ? params.get('metric')! : (metrics[0] ?? null);
  const production = items.find((v) => v.stage === 'production');
  const selected = params.get('version') ?? production?.version ?? items[0]?.version ?? null;
  const version = useVersion(name, selected, versions.data?.items);

  if (model.isError) return <Problem error={model.error} what={`Model ${name}`} />;

  return (
    <section>
      <p className="crumbs">
        <Link href="/models">Models</Link> / {name}
      </p>
      <h1>{name}</h1>
      {model.data && (
        <p className="meta">
          {model.data.description ?? 'No description.'} · owner {model.data.owner}
          {model.data.tags.length > 0 && ` · tags ${model.data.tags.join(', ')}`} · production{' '}
          <strong data-testid="production">{production ? `v${production.version}` : 'none'}</strong>
        </p>
      )}
      {canPromote && production && (
        <button type="button" onClick={() => setAction({ kind: 'rollback' })}>
          Roll back production
        </button>
      )}

      <h2>Versions</h2>
      {items.length >= 2 && (
        <p>
          <Link
            href={`/models/${encodeURIComponent(name)}/compare?versions=${items
              .slice(0, 2)
              .map((v) => v.version)
              .reverse()
              .join(',')}`}
          >
            Compare versions
          </Link>{' '}
          · <Link href={`/audit?model=${encodeURIComponent(name)}`}>Full audit log</Link>
        </p>
      )}
      {versions.isError && <Problem error={versions.error} what="Versions" />}
      {versions.data && (
        <VersionsTable
          versions={items}
          keyMetrics={metrics.slice(0, KEY_METRICS)}
          selected={selected}
          onSelect={(v) => update({ version: v })}
          onAction={setAction}
        />
      )}

      <h2>Metric across versions</h2>
      {metric ? (
        <>
          <label htmlFor="chart-metric">Metric</label>
          <select id="chart-metric" value={metric} onChange={(e) => update({ metric: e.target.value })}>
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <MetricChart versions={items} metric={metric} />
        </>
      ) : (
        <p>No version reports a metric.</p>
      )}

      <h2>Aliases</h2>
      {aliases.isError && <Problem error={aliases.error} what="Aliases" />}
      {aliases.data &&
        (aliases.data.items.length ? (
          <ul data-testid="aliases">
            {aliases.data.items.map((a) => (
              <li key={a.alias}>
                <strong>{a.alias}</strong> → v{a.version} {a.protected ? '(protected)' : ''} by {a.updatedBy}
              </li>
            ))}
          </ul>
        ) : (
          <p>No alias.</p>
        ))}

      <h2>Stage and alias timeline (audit log)</h2>
      {audit.isError && <Problem error={audit.error} what="Audit log" />}
      {audit.data && <StageTimeline events={audit.data.items} />}

      <h2>Approvals</h2>
      {selected === null ? <p>Choose a version.</p> : <ApprovalsPanel model={name} version={selected} />}

      <h2>Artifacts</h2>
      <ArtifactsList model={name} version={selected} />

      <h2>Validation</h2>
      {selected === null ? (
        <p>Choose a version.</p>
      ) : version.error ? (
        <Problem error={version.error} what={`Version ${selected}`} />
      ) : version.data ? (
        <ValidationReport version={selected} report={version.data.validation} />
      ) : (
        <p aria-busy="true">Loading…</p>
      )}

      {action && <ActionDialog model={name} action={action} metric={metric} onClose={() => setAction(null)} />}
    </section>
  );
}
