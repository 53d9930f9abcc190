import { Link } from 'wouter';
import { enc } from '../api';
import { formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { useQueryParams } from '../components/use-query-params';
import { ExperimentActions } from '../experiments/experiment-actions';
import { useExperiment, useResults, useResultsHistory } from '../experiments/experiment-queries';
import { ForestPlot } from '../experiments/forest-plot';
import { healthOf, percent, statusTone } from '../experiments/health';
import { LiftOverTime } from '../experiments/lift-over-time';
import { ResultsTable } from '../experiments/results-table';
import { GuardrailsTable, TrafficSplit } from '../experiments/traffic-split';

/** An experiment: results, lifts, traffic split and SRM, guardrails, recommendation; start, stop, conclude. */
export function ExperimentPage({ experimentKey }: { experimentKey: string }) {
  usePageTitle(experimentKey);
  const [params, update] = useQueryParams();
  const experiment = useExperiment(experimentKey);
  const started = experiment.data !== undefined && experiment.data.status !== 'draft';
  const results = useResults(experimentKey, started);
  const history = useResultsHistory(experimentKey, started);
  if (experiment.isError) return <Problem error={experiment.error} what={`Experiment ${experimentKey}`} />;
  if (!experiment.data) return <p aria-busy="true">Loading…</p>;
  const e = experiment.data;
  const metrics = [e.primaryMetric.name, ...e.guardrails.map((g) => g.name).filter((g) => g !== e.primaryMetric.name)];
  const chosen = params.get('metric');
  const metric = chosen && metrics.includes(chosen) ? chosen : e.primaryMetric.name;
  const health = results.data ? healthOf(results.data) : null;
  return (
    <section>
      <p className="crumbs">
        <Link href="/experiments">Experiments</Link> / {e.key}
      </p>
      <h1>{e.key}</h1>
      <p className="meta">
        {e.description ?? 'No description.'} · model <Link href={`/models/${enc(e.model)}`}>{e.model}</Link> ·{' '}
        <StatusBadge label={e.status} tone={statusTone(e.status)} />
        {health && (
          <>
            {' '}
            · health <StatusBadge label={health.label} tone={health.tone} title={health.why} />
          </>
        )}{' '}
        · primary metric {e.primaryMetric.name} ({e.primaryMetric.kind}, {e.primaryMetric.direction} is better) · α = {e.alpha}
        {e.sequential ? ' (sequential: safe to peek)' : ' (fixed horizon)'}
        {e.startedAt && ` · started ${formatTime(e.startedAt)}`}
        {e.endedAt && ` · ended ${formatTime(e.endedAt)}`}
      </p>
      <ExperimentActions experiment={e} />

      {!started && <p>The experiment has not started: there are no results yet.</p>}
      {results.isError && <Problem error={results.error} what="Results" />}
      {results.data && (
        <>
          <h2>Recommendation</h2>
          <p data-testid="recommendation" className="recommendation">
            <strong>{results.data.recommendation.action.replace('_', ' ')}</strong>
            {results.data.recommendation.variant && ` (${results.data.recommendation.variant})`}: {results.data.recommendation.reason}
          </p>
          {e.conclusion && (
            <p data-testid="conclusion">
              Concluded by {e.conclusion.concludedBy} on {formatTime(e.conclusion.concludedAt)}: winner {e.conclusion.winner ?? 'none'}
              {e.conclusion.promoted ? ', promoted to production' : ''}
              {e.conclusion.promotionError && ` (promotion failed: ${e.conclusion.promotionError})`}
              {e.conclusion.reason && <q className="reason">{e.conclusion.reason}</q>}
            </p>
          )}

          <h2>Results</h2>
          <label htmlFor="results-metric">Metric</label>
          <select id="results-metric" value={metric} onChange={(ev) => update({ metric: ev.target.value })}>
            {metrics.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <ResultsTable results={results.data} metric={metric} control={e.control} />
          <p className="hint">
            Computed {formatTime(results.data.computedAt)}. Power: {results.data.power.unitsPerArmNeeded?.toLocaleString() ?? '—'} units per
            arm needed for the observed effect; smallest detectable lift now {percent(results.data.power.minimumDetectableEffect)}.
          </p>

          <h2>Lift against control</h2>
          <ForestPlot results={results.data} />

          <h2>Difference to control over time</h2>
          {history.isError && <Problem error={history.error} what="Results over time" />}
          {history.data &&
            e.variants
              .filter((v) => v.key !== e.control)
              .map((v) => (
                <section key={v.key} aria-label={`${v.key} against control`}>
                  <h3>{v.key} against control</h3>
                  <LiftOverTime history={history.data} metric={metric} variant={v.key} />
                </section>
              ))}

          <h2>Traffic split</h2>
          <TrafficSplit experiment={e} results={results.data} />

          <h2>Guardrails</h2>
          <GuardrailsTable results={results.data} />
        </>
      )}
    </section>
  );
}
