import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '@modelyard/platform';
import { SEVERITY_RANK, type DashboardResponse, type Severity } from '@modelyard/types';
import { toAlertResponse, AlertsRepository } from '../alerts/alerts.repository.js';
import { ReportsRepository } from '../checks/reports.repository.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { WindowStore, type HourlyDelta } from '../window/window.store.js';

const HOURS = 24;
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * One call for an operator's screen: health, totals and an hourly trend over the last 24 hours
 * (from the hourly aggregates kept at ingestion), active alerts, latest verdict per monitor.
 * Health: unhealthy when an active alert or a latest verdict is high or critical, degraded when
 * any alert is active or a latest verdict is at least low, unknown before any check, else healthy.
 */
@Injectable()
export class DashboardService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReportsRepository) private readonly reports: ReportsRepository,
    @Inject(AlertsRepository) private readonly alerts: AlertsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
  ) {}

  async of(model: string, now = Date.now()): Promise<DashboardResponse> {
    const monitors = await this.monitors.byModel(model);
    if (!monitors.length) throw new NotFound('monitored model', model);
    const ids = monitors.map((m) => m.id);
    const currentHour = Math.floor(now / 3_600_000);
    const hours = Array.from({ length: HOURS }, (_, i) => currentHour - HOURS + 1 + i);
    const [seqs, latest, active, perMonitor] = await Promise.all([
      this.window.seqs(ids),
      this.reports.latestPerMonitor(ids),
      this.alerts.activeForModel(model),
      Promise.all(ids.map((id) => this.window.hourly(id, hours))),
    ]);
    const hourly: HourlyDelta[] = hours.map((_, h) => {
      const sum: HourlyDelta = { n: 0, successN: 0, success: 0, latencyN: 0, latencySum: 0, labelled: 0, correct: 0 };
      for (const m of perMonitor) for (const k of Object.keys(sum) as (keyof HourlyDelta)[]) sum[k] += m[h]![k];
      return sum;
    });
    const day = hourly.reduce((a, d) => {
      for (const k of Object.keys(a) as (keyof HourlyDelta)[]) a[k] += d[k];
      return a;
    }, { n: 0, successN: 0, success: 0, latencyN: 0, latencySum: 0, labelled: 0, correct: 0 });

    const verdicts = latest.filter((r) => r !== null).map((r) => r.severity as Severity);
    const alertTop = Math.max(0, ...active.map((a) => SEVERITY_RANK[a.severity as Severity]));
    const verdictTop = Math.max(0, ...verdicts.map((s) => SEVERITY_RANK[s]));
    const health =
      alertTop >= SEVERITY_RANK.high || verdictTop >= SEVERITY_RANK.high
        ? 'unhealthy'
        : active.length || verdictTop >= SEVERITY_RANK.low
          ? 'degraded'
          : verdicts.length
            ? 'healthy'
            : 'unknown';
    return {
      model,
      health,
      totals: {
        records: seqs.reduce((s, v) => s + v, 0),
        successRate: ratio(day.success, day.successN),
        meanLatencyMs: ratio(day.latencySum, day.latencyN),
        recentAccuracy: ratio(day.correct, day.labelled),
      },
      hourly: hours.map((h, i) => ({
        hour: new Date(h * 3_600_000).toISOString(),
        records: hourly[i]!.n,
        successRate: ratio(hourly[i]!.success, hourly[i]!.successN),
        meanLatencyMs: ratio(hourly[i]!.latencySum, hourly[i]!.latencyN),
        accuracy: ratio(hourly[i]!.correct, hourly[i]!.labelled),
      })),
      activeAlerts: active.map(toAlertResponse),
      monitors: monitors.map((m, i) => {
        const r = latest[i];
        return {
          id: m.id,
          name: m.name,
          status: m.status,
          latest: r ? { reportId: r.id, severity: r.severity as Severity, driftedShare: r.driftedShare, createdAt: r.createdAt.toISOString() } : null,
        };
      }),
    };
  }
}
