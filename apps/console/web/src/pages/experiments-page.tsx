import { ExperimentStatus, type ExperimentResponse } from '@modelyard/types';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { useQueryParams } from '../components/use-query-params';
import { useExperiments, useResults } from '../experiments/experiment-queries';
import { healthOf, statusTone } from '../experiments/health';

/** The health column: computed from the experiment's results (a draft has none). */
function HealthCell({ experiment }: { experiment: ExperimentResponse }) {
  const started = experiment.status !== 'draft';
  const results = useResults(experiment.key, started);
  if (!started) return <td>—</td>;
  if (results.isError) return <td title={results.error.message}>unavailable</td>;
  if (!results.data) return <td aria-busy="true">…</td>;
  const health = healthOf(results.data);
  return (
    <td>
      <StatusBadge label={health.label} tone={health.tone} title={health.why} />
    </td>
  );
}

/** Experiments: filter by status and model, with each one's status and health (SRM, guardrails). */
export function ExperimentsPage() {
  usePageTitle('Experiments');
  const [params, update] = useQueryParams();
  const statusParam = ExperimentStatus.safeParse(params.get('status'));
  const status = statusParam.success ? statusParam.data : undefined;
  const model = params.get('model') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const [draftModel, setDraftModel] = useState(model);
  const experiments = useExperiments(status, model, cursor);
  const search = (event: FormEvent) => {
    event.preventDefault();
    update({ model: draftModel.trim(), cursor: undefined });
  };
  return (
    <section>
      <h1>Experiments</h1>
      <form className="filters" role="search" onSubmit={search}>
        <label htmlFor="experiments-status">Status</label>
        <select id="experiments-status" value={status ?? ''} onChange={(e) => update({ status: e.target.value, cursor: undefined })}>
          <option value="">any</option>
          {ExperimentStatus.options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label htmlFor="experiments-model">Model</label>
        <input id="experiments-model" type="text" value={draftModel} onChange={(e) => setDraftModel(e.target.value)} />
        <button type="submit">Filter</button>
      </form>
      {experiments.isError && <Problem error={experiments.error} what="Experiments could not be loaded" />}
      {experiments.data && (
        <>
          <table data-testid="experiments">
            <caption className="visually-hidden">Experiments</caption>
            <thead>
              <tr>
                <th scope="col">Experiment</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Health</th>
                <th scope="col">Variants</th>
                <th scope="col">Primary metric</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {experiments.data.items.map((e) => (
                <tr key={e.id} data-experiment={e.key}>
                  <th scope="row">
                    <Link href={`/experiments/${enc(e.key)}`}>{e.key}</Link>
                  </th>
                  <td>
                    <Link href={`/models/${enc(e.model)}`}>{e.model}</Link>
                  </td>
                  <td>
                    <StatusBadge label={e.status} tone={statusTone(e.status)} />
                  </td>
                  <HealthCell experiment={e} />
                  <td>{e.variants.map((v) => `${v.key} (v${v.version})`).join(', ')}</td>
                  <td>{e.primaryMetric.name}</td>
                  <td>{e.startedAt ? formatTime(e.startedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {experiments.data.items.length === 0 && <p>No experiment matches.</p>}
          <nav className="pager" aria-label="Pages">
            {cursor && (
              <button type="button" onClick={() => update({ cursor: undefined })}>
                First page
              </button>
            )}
            {experiments.data.nextCursor && (
              <button type="button" onClick={() => update({ cursor: experiments.data.nextCursor ?? undefined })}>
                Next page
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
