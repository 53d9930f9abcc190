import type { ResultsResponse } from '@modelyard/types';

const ROW = 34;
const LEFT = 190;
const WIDTH = 720;
const PAD = 24;

type Comparison = ResultsResponse['comparisons'][number];
type Plotted = Comparison & { relativeLift: number; relativeLiftCi: [number, number] };
const plottable = (c: Comparison): c is Plotted => c.relativeLift !== null && c.relativeLiftCi !== null;

/**
 * Relative lift of each treatment on each metric with its interval, against a line at zero
 * (a forest plot). SVG rather than canvas: a handful of rows, and each one is an element that
 * a screen reader can name and a test can count.
 */
export function ForestPlot({ results }: { results: ResultsResponse }) {
  const rows = results.comparisons.filter(plottable);
  if (!rows.length) return <p>No lift to plot yet: every arm needs outcomes.</p>;
  const bounds = rows.flatMap((r) => r.relativeLiftCi);
  const extent = Math.max(0.01, ...bounds.map(Math.abs)) * 1.1;
  const x = (v: number) => LEFT + ((v + extent) / (2 * extent)) * (WIDTH - LEFT - PAD);
  const height = rows.length * ROW + 2 * PAD;
  const ticks = [-extent, -extent / 2, 0, extent / 2, extent];
  return (
    <figure className="chart">
      <svg
        data-testid="forest-plot"
        role="img"
        aria-labelledby="forest-title"
        width={WIDTH}
        height={height}
        viewBox={`0 0 ${WIDTH} ${height}`}
      >
        <title id="forest-title">Relative lift against control with intervals</title>
        <line x1={x(0)} x2={x(0)} y1={PAD / 2} y2={height - PAD} stroke="#57606a" strokeDasharray="4 3" />
        {ticks.map((t) => (
          <text key={t} x={x(t)} y={height - 6} textAnchor="middle" fontSize="11" fill="#3d444d">
            {`${(t * 100).toFixed(0)} %`}
          </text>
        ))}
        {rows.map((r, i) => {
          const y = PAD + i * ROW + ROW / 2;
          const colour = r.significant ? (r.relativeLift > 0 ? '#1a7f37' : '#b3261e') : '#1f5fbf';
          return (
            <g key={`${r.variant}/${r.metric}`} data-row={`${r.variant}/${r.metric}`} data-lift={r.relativeLift}>
              <title>{`${r.variant} on ${r.metric}: ${(r.relativeLift * 100).toFixed(1)} % [${(r.relativeLiftCi[0] * 100).toFixed(1)} %, ${(r.relativeLiftCi[1] * 100).toFixed(1)} %]`}</title>
              <text x={8} y={y + 4} fontSize="12" fill="#1f2328">{`${r.variant} · ${r.metric}`}</text>
              <line x1={x(r.relativeLiftCi[0])} x2={x(r.relativeLiftCi[1])} y1={y} y2={y} stroke={colour} strokeWidth={3} />
              <circle cx={x(r.relativeLift)} cy={y} r={5} fill={colour} />
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">Dots: relative lift; bars: its interval; green or red when significant.</figcaption>
    </figure>
  );
}
