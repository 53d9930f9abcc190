import type { ExperimentResponse, ResultsResponse } from '@modelyard/types';
import { StatusBadge } from '../components/status-badge';
import { percent } from './health';

/** Planned traffic (weights) against what each arm received, and the sample-ratio mismatch test. */
export function TrafficSplit({ experiment, results }: { experiment: ExperimentResponse; results: ResultsResponse }) {
  const totalWeight = experiment.variants.reduce((s, v) => s + v.weight, 0);
  const totalUnits = results.variants.reduce((s, v) => s + v.units, 0);
  const units = new Map(results.variants.map((v) => [v.key, v.units]));
  return (
    <>
      <table data-testid="traffic-split">
        <caption className="visually-hidden">Traffic split</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Planned share</th>
            <th scope="col">Units</th>
            <th scope="col">Observed share</th>
          </tr>
        </thead>
        <tbody>
          {experiment.variants.map((v) => {
            const n = units.get(v.key) ?? 0;
            return (
              <tr key={v.key}>
                <th scope="row">{v.key}</th>
                <td className="num">{percent(v.weight / totalWeight)}</td>
                <td className="num">{n.toLocaleString()}</td>
                <td className="num">{totalUnits ? percent(n / totalUnits) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p data-testid="srm">
        Sample-ratio check: {results.srm.flagged ? <StatusBadge label="mismatch" tone="bad" /> : <StatusBadge label="ok" tone="good" />} χ²
        = {results.srm.statistic?.toFixed(2) ?? '—'}, p = {results.srm.pValue?.toPrecision(3) ?? '—'}
      </p>
    </>
  );
}

const VERDICT_TONE = new Map([
  ['pass', 'good'],
  ['warn', 'warn'],
  ['fail', 'bad'],
  ['insufficient_data', 'neutral'],
] as const);

/** Each guardrail on each treatment: its relative change against the tolerated degradation. */
export function GuardrailsTable({ results }: { results: ResultsResponse }) {
  if (!results.guardrails.length) return <p>No guardrail is set.</p>;
  return (
    <table data-testid="guardrails">
      <caption className="visually-hidden">Guardrails</caption>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col">Metric</th>
          <th scope="col">Relative change</th>
          <th scope="col">Tolerated degradation</th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {results.guardrails.map((g) => (
          <tr key={`${g.variant}/${g.metric}`}>
            <th scope="row">{g.variant}</th>
            <td>{g.metric}</td>
            <td className="num">{percent(g.relativeChange)}</td>
            <td className="num">{percent(g.maxRelativeDegradation)}</td>
            <td>
              <StatusBadge label={g.verdict.replace('_', ' ')} tone={VERDICT_TONE.get(g.verdict) ?? 'neutral'} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
