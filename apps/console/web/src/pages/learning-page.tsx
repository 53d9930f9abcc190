import { PipelineState, type PipelineResponse } from '@modelyard/types';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { useQueryParams } from '../components/use-query-params';
import { usePipelines, usePipelineStatus } from '../learning/learning-queries';

/** The buffer and the last update's outcome, from the pipeline's status. */
function StatusCells({ pipeline }: { pipeline: PipelineResponse }) {
  const status = usePipelineStatus(pipeline.id);
  if (status.isError)
    return (
      <td colSpan={2} title={status.error.message}>
        unavailable
      </td>
    );
  if (!status.data)
    return (
      <td colSpan={2} aria-busy="true">
        …
      </td>
    );
  const last = status.data.lastUpdate;
  return (
    <>
      <td className="num">{status.data.bufferSize.toLocaleString()}</td>
      <td>{status.data.updating ? 'updating…' : last ? `${last.outcome}, ${formatTime(last.finishedAt)}` : 'no update yet'}</td>
    </>
  );
}

/** Learning pipelines with their state, buffer and last update; filter by model and state. */
export function LearningPage() {
  usePageTitle('Learning');
  const [params, update] = useQueryParams();
  const model = params.get('model') ?? '';
  const stateParam = PipelineState.safeParse(params.get('state'));
  const state = stateParam.success ? stateParam.data : undefined;
  const cursor = params.get('cursor') ?? undefined;
  const [draftModel, setDraftModel] = useState(model);
  const pipelines = usePipelines(model, state, cursor);
  const search = (event: FormEvent) => {
    event.preventDefault();
    update({ model: draftModel.trim(), cursor: undefined });
  };
  return (
    <section>
      <h1>Learning</h1>
      <form className="filters" role="search" onSubmit={search}>
        <label htmlFor="pipelines-state">State</label>
        <select id="pipelines-state" value={state ?? ''} onChange={(e) => update({ state: e.target.value, cursor: undefined })}>
          <option value="">any</option>
          {PipelineState.options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label htmlFor="pipelines-model">Model</label>
        <input id="pipelines-model" type="text" value={draftModel} onChange={(e) => setDraftModel(e.target.value)} />
        <button type="submit">Filter</button>
      </form>
      {pipelines.isError && <Problem error={pipelines.error} what="Pipelines could not be loaded" />}
      {pipelines.data && (
        <>
          <table data-testid="pipelines">
            <caption className="visually-hidden">Learning pipelines</caption>
            <thead>
              <tr>
                <th scope="col">Pipeline</th>
                <th scope="col">Model</th>
                <th scope="col">State</th>
                <th scope="col">Strategy</th>
                <th scope="col">Current version</th>
                <th scope="col">Buffered samples</th>
                <th scope="col">Last update</th>
              </tr>
            </thead>
            <tbody>
              {pipelines.data.items.map((p) => (
                <tr key={p.id} data-pipeline={p.name}>
                  <th scope="row">
                    <Link href={`/learning/${enc(p.id)}`}>{p.name}</Link>
                  </th>
                  <td>
                    <Link href={`/models/${enc(p.model)}`}>{p.model}</Link>
                  </td>
                  <td>
                    <StatusBadge label={p.state} tone={p.state === 'active' ? 'info' : 'neutral'} />
                  </td>
                  <td>{p.strategy.replace('_', ' ')}</td>
                  <td>{p.currentVersion ? `v${p.currentVersion}` : '—'}</td>
                  <StatusCells pipeline={p} />
                </tr>
              ))}
            </tbody>
          </table>
          {pipelines.data.items.length === 0 && <p>No pipeline matches.</p>}
          <nav className="pager" aria-label="Pages">
            {cursor && (
              <button type="button" onClick={() => update({ cursor: undefined })}>
                First page
              </button>
            )}
            {pipelines.data.nextCursor && (
              <button type="button" onClick={() => update({ cursor: pipelines.data.nextCursor ?? undefined })}>
                Next page
              </button>
            )}
          </nav>
        </>
      )}
    </section>
  );
}
