import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Distinguishable in colour and, for those who cannot tell the colours apart, in dash pattern. */
const PALETTE = ['#1f5fbf', '#b3261e', '#1a7f37', '#8250df', '#bf5700', '#0a7d87', '#6e7781', '#cf222e'];
const DASHES: number[][] = [[], [6, 3], [2, 3], [10, 4, 2, 4]];

export interface TimeSeries {
  label: string;
  values: (number | null)[];
}

interface TimeChartProps {
  /** Epoch seconds, ascending. */
  times: number[];
  series: TimeSeries[];
  yLabel: string;
  /** What the chart shows, for screen readers. */
  label: string;
  testId: string;
  height?: number;
}

/** Series over time in one uPlot chart (small, canvas, made for time series). */
export function TimeChart({ times, series, yLabel, label, testId, height = 260 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height,
        // One point alone would stretch the time axis over years: an hour either side instead.
        scales: { x: times.length === 1 ? { time: true, auto: false, range: [times[0]! - 3600, times[0]! + 3600] } : { time: true } },
        axes: [{}, { label: yLabel }],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: PALETTE[i % PALETTE.length],
            dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length],
            width: 2,
            points: { size: 6 },
          })),
        ],
      },
      [times, ...series.map((s) => s.values)],
      el,
    );
    return () => chart.destroy();
  }, [times, series, yLabel, height]);
  return (
    <div
      ref={box}
      className="chart"
      data-testid={testId}
      data-points={times.length}
      data-series={series.length}
      role="img"
      aria-label={label}
    />
  );
}
