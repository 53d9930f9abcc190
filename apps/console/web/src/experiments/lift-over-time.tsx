import type { ResultsHistoryResponse } from '@modelyard/types';
import { useMemo } from 'react';
import { TimeChart } from '../components/time-chart';

/**
 * One treatment's difference to control on one metric at each stored snapshot, with its
 * confidence sequence (always valid: it may be read at every point) or, for a fixed-horizon
 * experiment, its fixed interval.
 */
export function LiftOverTime({ history, metric, variant }: { history: ResultsHistoryResponse; metric: string; variant: string }) {
  const chart = useMemo(() => {
    const rows = history.points.map((p) => ({ at: p.at, c: p.comparisons.find((c) => c.metric === metric && c.variant === variant) }));
    const interval = (c: (typeof rows)[number]['c']) => c?.sequentialCi ?? c?.diffCi ?? null;
    return {
      times: rows.map((r) => Date.parse(r.at) / 1000),
      series: [
        { label: 'difference', values: rows.map((r) => r.c?.diff ?? null) },
        { label: 'lower bound', values: rows.map((r) => interval(r.c)?.[0] ?? null) },
        { label: 'upper bound', values: rows.map((r) => interval(r.c)?.[1] ?? null) },
      ],
    };
  }, [history, metric, variant]);
  if (!chart.times.length) return <p>No snapshot stored yet: the service stores one as units come in.</p>;
  return (
    <TimeChart
      times={chart.times}
      series={chart.series}
      yLabel={`${metric}: ${variant} − control`}
      label={`Difference of ${variant} to control on ${metric} and its confidence sequence over time`}
      testId="lift-over-time"
    />
  );
}
