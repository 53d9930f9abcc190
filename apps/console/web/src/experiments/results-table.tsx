import type { ResultsResponse } from '@modelyard/types';
import { formatNumber } from '../components/format';
import { percent, withInterval } from './health';

const pValue = (p: number | null) => (p === null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const signedPercent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

/**
 * One metric's results: each variant's units and mean (with its interval) and, for each treatment,
 * the difference to control, the relative lift, the chance to beat control and both p-values
 * (the always-valid one may be read at any time; the fixed-horizon one only at the planned size).
 */
export function ResultsTable({ results, metric, control }: { results: ResultsResponse; metric: string; control: string }) {
  const comparisons = new Map(results.comparisons.filter((c) => c.metric === metric).map((c) => [c.variant, c]));
  return (
    <table data-testid="results-table">
      <caption className="visually-hidden">Results on {metric}</caption>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col">Version</th>
          <th scope="col">Units</th>
          <th scope="col">Mean [interval]</th>
          <th scope="col">Difference [interval]</th>
          <th scope="col">Lift [interval]</th>
          <th scope="col">Chance to beat control</th>
          <th scope="col">p-value</th>
          <th scope="col">Always-valid p-value</th>
          <th scope="col">Significant</th>
        </tr>
      </thead>
      <tbody>
        {results.variants.map((v) => {
          const m = v.metrics[metric];
          const c = comparisons.get(v.key);
          const isControl = v.key === control;
          return (
            <tr key={v.key} data-variant={v.key}>
              <th scope="row">
                {v.key}
                {isControl && ' (control)'}
              </th>
              <td>v{v.version}</td>
              <td className="num">{v.units.toLocaleString()}</td>
              <td className="num">{m ? withInterval(m.mean, m.ci, (x) => formatNumber(x)) : '—'}</td>
              <td className="num">{c ? withInterval(c.diff, c.sequentialCi ?? c.diffCi, (x) => formatNumber(x)) : '—'}</td>
              <td className="num">{c ? withInterval(c.relativeLift, c.relativeLiftCi, signedPercent) : '—'}</td>
              <td className="num">{c ? percent(c.chanceToBeatControl) : '—'}</td>
              <td className="num">{c ? pValue(c.pValue) : '—'}</td>
              <td className="num">{c ? pValue(c.sequentialPValue) : '—'}</td>
              <td>{c ? (c.significant ? 'yes' : 'no') : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
