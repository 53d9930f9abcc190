import type { DistributionResponse } from '@modelyard/types';

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 44, right: 12, top: 12, bottom: 56 };
const COLOURS = { reference: '#57606a', current: '#1f5fbf' };

/**
 * A feature's reference and current distributions overlaid: a histogram for a numeric feature
 * (the current bars drawn over the reference ones, half transparent), side-by-side bars for a
 * categorical one. SVG: at most ~20 bins, each a nameable element.
 */
export function DistributionChart({ distribution }: { distribution: DistributionResponse }) {
  const { bins, kind, feature } = distribution;
  if (!bins.length) return <p>No values of {feature} yet.</p>;
  const top = Math.max(...bins.flatMap((b) => [b.reference, b.current]), 0.01);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / bins.length;
  const y = (share: number) => PAD.top + plotH * (1 - share / top);
  const numeric = kind === 'numeric';
  // Numeric: both bars fill the bin (overlaid); categorical: two bars side by side per category.
  const barW = numeric ? slot - 1 : (slot - 4) / 2;
  const offset = (series: 'reference' | 'current') => (numeric ? 0.5 : series === 'reference' ? 2 : 2 + barW);
  const labelEvery = Math.ceil(bins.length / 10);
  return (
    <figure className="chart">
      <svg
        data-testid="distribution-chart"
        data-kind={kind}
        role="img"
        aria-labelledby="distribution-title"
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      >
        <title id="distribution-title">{`${feature}: reference and current distributions (${kind})`}</title>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} stroke="#8c959f" />
        <text x={4} y={y(top) + 4} fontSize="11" fill="#3d444d">{`${(top * 100).toFixed(0)} %`}</text>
        {(['reference', 'current'] as const).map((series) => (
          <g key={series} data-series={series} fill={COLOURS[series]} fillOpacity={numeric && series === 'current' ? 0.55 : 0.85}>
            {bins.map((b, i) => (
              <rect
                key={b.label}
                data-share={b[series]}
                x={PAD.left + i * slot + offset(series)}
                y={y(b[series])}
                width={Math.max(1, barW)}
                height={y(0) - y(b[series])}
              >
                <title>{`${series}, ${b.label}: ${(b[series] * 100).toFixed(1)} %`}</title>
              </rect>
            ))}
          </g>
        ))}
        {bins.map((b, i) =>
          i % labelEvery === 0 ? (
            <text key={b.label} x={PAD.left + i * slot + slot / 2} y={y(0) + 14} fontSize="10" textAnchor="middle" fill="#3d444d">
              {numeric ? (b.from ?? 0).toPrecision(3) : b.label}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="legend">
        <span className="swatch reference" /> reference ({distribution.referenceRows.toLocaleString()} values){' '}
        <span className="swatch current" /> current window ({distribution.currentRows.toLocaleString()} values)
      </figcaption>
    </figure>
  );
}
