import type { UpdateEntry } from '@modelyard/types';
import { useMemo } from 'react';
import { Link } from 'wouter';
import { enc } from '../api';
import { formatNumber } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { TimeChart } from '../components/time-chart';
import { PipelineActions } from '../learning/pipeline-actions';
import { usePipeline, usePipelineHistory, usePipelineStatus } from '../learning/learning-queries';
import { UpdateHistory } from '../learning/update-history';

/** The gate metric after each update that measured it, oldest first. */
function metricSeries(updates: UpdateEntry[], metric: string) {
  const measured = [...updates].reverse().filter((u) => u.metricsAfter[metric] !== undefined);
  return {
    times: measured.map((u) => Date.parse(u.finishedAt) / 1000),
    series: [{ label: metric, values: measured.map((u) => u.metricsAfter[metric] ?? null) }],
  };
}

/** A pipeline: state and buffer, its metric over time, every update with its gate decision; trigger, pause, resume. */
export function PipelinePage({ id }: { id: string }) {
  const pipeline = usePipeline(id);
  const status = usePipelineStatus(id);
  const history = usePipelineHistory(id);
  usePageTitle(pipeline.data ? `Learning · ${pipeline.data.name}` : 'Learning');
  const metric = pipeline.data?.gate.metric ?? null;
  const chart = useMemo(() => (metric ? metricSeries(history.data?.items ?? [], metric) : null), [history.data, metric]);
  if (pipeline.isError) return <Problem error={pipeline.error} what="Pipeline" />;
  if (!pipeline.data) return <p aria-busy="true">Loading…</p>;
  const p = pipeline.data;
  return (
    <section>
      <p className="crumbs">
        <Link href="/learning">Learning</Link> / {p.name}
      </p>
      <h1>{p.name}</h1>
      <p className="meta">
        {p.description ?? 'No description.'} · model <Link href={`/models/${enc(p.model)}`}>{p.model}</Link> ·{' '}
        <StatusBadge label={p.state} tone={p.state === 'active' ? 'info' : 'neutral'} /> · {p.learner.type.replace('_', ' ')} ·{' '}
        {p.strategy.replace('_', ' ')} · gate on {p.gate.metric} · current version {p.currentVersion ? `v${p.currentVersion}` : 'none'}
      </p>
      <PipelineActions pipeline={p} />

      <h2>Status</h2>
      {status.isError && <Problem error={status.error} what="Status" />}
      {status.data && (
        <p data-testid="pipeline-status">
          {status.data.updating ? 'An update is running. ' : ''}
          {status.data.bufferSize.toLocaleString()} samples buffered, {status.data.samplesSeen.toLocaleString()} seen,{' '}
          {status.data.droppedTotal.toLocaleString()} dropped. Progressive metrics:{' '}
          {Object.entries(status.data.metrics)
            .map(([name, value]) => `${name} ${formatNumber(value)}`)
            .join(', ') || 'none yet'}
          .
        </p>
      )}

      <h2>{metric} after each update</h2>
      {history.isError && <Problem error={history.error} what="History" />}
      {chart && chart.times.length > 0 ? (
        <TimeChart
          times={chart.times}
          series={chart.series}
          yLabel={metric ?? ''}
          label={`${metric} after each update`}
          testId="pipeline-metric-chart"
        />
      ) : (
        history.data && <p>No update measured {metric} yet.</p>
      )}

      <h2>Update history</h2>
      {history.data && <UpdateHistory model={p.model} updates={history.data.items} />}
    </section>
  );
}
