import type { ReportResponse } from '@modelyard/types';
import { useMemo } from 'react';
import { Link } from 'wouter';
import { enc } from '../api';
import { formatNumber, formatTime } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Problem } from '../components/problem';
import { StatusBadge } from '../components/status-badge';
import { TimeChart } from '../components/time-chart';
import { useQueryParams } from '../components/use-query-params';
import { AlertsList } from '../drift/alerts-list';
import { DistributionChart } from '../drift/distribution-chart';
import { useAlerts, useDistribution, useMonitor, useReports } from '../drift/drift-queries';
import { ReportHistory } from '../drift/report-history';
import { SeverityBadge } from '../drift/severity-badge';
import { percent } from '../experiments/health';

type Score = 'statistic' | 'pValue';

/** Each feature's score in each report, oldest first (a feature missing from a report leaves a gap). */
function scoreSeries(reports: ReportResponse[], features: string[], score: Score) {
  const ordered = [...reports].reverse();
  const times = ordered.map((r) => Date.parse(r.createdAt) / 1000);
  const series = features.map((name) => ({
    label: name,
    values: ordered.map((r) => {
      const f = r.features.find((x) => x.name === name);
      if (!f) return null;
      // p-values span hundreds of orders of magnitude: drawn as −log₁₀ p (higher is more drift), an underflow to 0 at 300.
      if (score === 'pValue') return f.pValue === null ? null : -Math.log10(Math.max(f.pValue, 1e-300));
      return f.statistic;
    }),
  }));
  return { times, series };
}

/** A monitor: drift scores over time, a feature's distributions, report history, signals, alerts. */
export function MonitorPage({ id }: { id: string }) {
  const [params, update] = useQueryParams();
  const monitor = useMonitor(id);
  const reports = useReports(id);
  const alerts = useAlerts(id);
  usePageTitle(monitor.data ? `Drift · ${monitor.data.name}` : 'Drift');
  const features = useMemo(() => monitor.data?.features.map((f) => f.name) ?? [], [monitor.data]);
  const chosen = params.get('feature');
  const latest = reports.data?.items[0];
  // By default the feature that drifted most in the latest report.
  const worst = latest ? [...latest.features].sort((a, b) => (b.drifted ? 1 : 0) - (a.drifted ? 1 : 0))[0]?.name : undefined;
  const feature = chosen && features.includes(chosen) ? chosen : (worst ?? features[0] ?? null);
  const score: Score = params.get('score') === 'pValue' ? 'pValue' : 'statistic';
  const distribution = useDistribution(id, feature);
  const chart = useMemo(() => scoreSeries(reports.data?.items ?? [], features, score), [reports.data, features, score]);

  if (monitor.isError) return <Problem error={monitor.error} what="Monitor" />;
  if (!monitor.data) return <p aria-busy="true">Loading…</p>;
  const m = monitor.data;
  return (
    <section>
      <p className="crumbs">
        <Link href="/drift">Drift</Link> / {m.name}
      </p>
      <h1>{m.name}</h1>
      <p className="meta">
        model <Link href={`/models/${enc(m.model)}`}>{m.model}</Link>
        {m.version && ` v${m.version}`} · <StatusBadge label={m.status} tone={m.status === 'active' ? 'info' : 'neutral'} /> · window{' '}
        {m.window.size.toLocaleString()} records, checked every {m.schedule.everySeconds} s · reference {m.reference.rows.toLocaleString()}{' '}
        rows (v{m.reference.version}) · latest severity {latest ? <SeverityBadge severity={latest.severity} /> : 'not checked yet'}
      </p>

      <h2>Drift scores over time</h2>
      {reports.isError && <Problem error={reports.error} what="Reports" />}
      {reports.data &&
        (reports.data.items.length ? (
          <>
            <label htmlFor="score-kind">Score</label>
            <select
              id="score-kind"
              value={score}
              onChange={(e) => update({ score: e.target.value === 'statistic' ? undefined : e.target.value })}
            >
              <option value="statistic">test statistic</option>
              <option value="pValue">−log₁₀ p-value</option>
            </select>
            <TimeChart
              times={chart.times}
              series={chart.series}
              yLabel={score === 'pValue' ? '−log₁₀ p-value' : 'statistic'}
              label="Drift score of each feature by check"
              testId="scores-chart"
            />
          </>
        ) : (
          <p>No check has run yet.</p>
        ))}

      <h2>Distribution: reference and current window</h2>
      {feature ? (
        <>
          <label htmlFor="distribution-feature">Feature</label>
          <select id="distribution-feature" value={feature} onChange={(e) => update({ feature: e.target.value })}>
            {features.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
          {distribution.isError && <Problem error={distribution.error} what="Distribution" />}
          {distribution.data && <DistributionChart distribution={distribution.data} />}
        </>
      ) : (
        <p>The monitor has no feature.</p>
      )}

      {latest && (
        <>
          <h2>Latest check</h2>
          <table data-testid="latest-features">
            <caption className="visually-hidden">Features in the latest check</caption>
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">Test</th>
                <th scope="col">Statistic</th>
                <th scope="col">p-value</th>
                <th scope="col">Threshold</th>
                <th scope="col">Severity</th>
              </tr>
            </thead>
            <tbody>
              {latest.features.map((f) => (
                <tr key={f.name}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => update({ feature: f.name })} aria-pressed={f.name === feature}>
                      {f.name}
                    </button>
                  </th>
                  <td>{f.test}</td>
                  <td className="num">{formatNumber(f.statistic)}</td>
                  <td className="num">{f.pValue === null ? '—' : f.pValue.toPrecision(3)}</td>
                  <td className="num">{formatNumber(f.threshold)}</td>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Operational signals</h3>
          <p data-testid="signals">
            {latest.signals.records.toLocaleString()} records · success rate {percent(latest.signals.successRate)} · error rate{' '}
            {percent(latest.signals.errorRate)} · mean confidence {formatNumber(latest.signals.meanConfidence)} · latency p95{' '}
            {formatNumber(latest.signals.latencyP95Ms)} ms · checked {formatTime(latest.createdAt)}
          </p>
          {latest.recommendations.length > 0 && (
            <ul>
              {latest.recommendations.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </>
      )}

      <h2>Alerts</h2>
      {alerts.isError && <Problem error={alerts.error} what="Alerts" />}
      {alerts.data && <AlertsList monitorId={id} alerts={alerts.data.items} />}

      <h2>Report history</h2>
      {reports.data && <ReportHistory reports={reports.data.items} />}
    </section>
  );
}
