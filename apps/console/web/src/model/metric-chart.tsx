import type { VersionResponse } from '@modelyard/types';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * One metric across a model's versions, oldest to newest (uPlot: small, fast, canvas). The x axis
 * is the version's position, labelled with its number; versions without the metric leave a gap.
 */
export function MetricChart({ versions, metric }: { versions: VersionResponse[]; metric: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ordered = [...versions].reverse();
    const labels = ordered.map((v) => v.version);
    const xs = ordered.map((_, i) => i);
    const ys = ordered.map((v) => v.metrics[metric] ?? null);
    const chart = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 240,
        scales: { x: { time: false } },
        axes: [
          { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (labels[t] ?? '') : '')), label: 'version' },
          { label: metric },
        ],
        series: [
          { label: 'version', value: (_u, i) => (i === null ? '' : (labels[i] ?? '')) },
          { label: metric, stroke: '#1f5fbf', width: 2, points: { size: 7 } },
        ],
      },
      [xs, ys],
      el,
    );
    return () => chart.destroy();
  }, [versions, metric]);
  return <div ref={box} className="chart" data-testid="metric-chart" role="img" aria-label={`${metric} by version`} />;
}
