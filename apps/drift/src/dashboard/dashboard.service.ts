import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '@modelyard/platform';
import { SEVERITY_RANK, type DashboardResponse, type Severity } from '@modelyard/types';
import { toAlertResponse } from '../alerts/alerts.mapper.js';
import { AlertsRepository } from '../alerts/alerts.repository.js';
import type { ReportSummary } from '../checks/reports.mapper.js';
import { ReportsRepository } from '../checks/reports.repository.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { HOURLY_FIELDS, WindowStore, type HourlyDelta } from '../window/window.store.js';

const HOURS = 24;
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * One call for an operator's screen: health, totals and an hourly trend over the last 24 hours
 * (from the hourly aggregates kept at ingestion), active alerts, latest verdict per monitor.
 * Totals cover the same 24 hours (by record time); `recordsAllTime` is the lifetime count.
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
    const hourly = hours.map((_, h) => perMonitor.reduce((sum, m) => add(sum, m[h]!), emptyDelta()));
    const day = hourly.reduce(add, emptyDelta());
    return {
      model,
      health: healthOf(active, latest),
      totals: {
        records: day.n,
        recordsAllTime: seqs.reduce((s, v) => s + v, 0),
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
      monitors: monitors.map((m, i) => ({ id: m.id, name: m.name, status: m.status, latest: summary(latest[i]) })),
    };
  }
}

const emptyDelta = (): HourlyDelta => ({ n: 0, successN: 0, success: 0, latencyN: 0, latencySum: 0, labelled: 0, correct: 0 });

/** Adds `d` into `sum` (and returns it). */
function add(sum: HourlyDelta, d: HourlyDelta): HourlyDelta {
  for (const k of HOURLY_FIELDS) sum[k] += d[k];
  return sum;
}

type Health = DashboardResponse['health'];

function healthOf(active: readonly { severity: Severity }[], latest: readonly (ReportSummary | null)[]): Health {
  const verdicts = latest.filter((r) => r !== null).map((r) => r.severity);
  const alertTop = Math.max(0, ...active.map((a) => SEVERITY_RANK[a.severity]));
  const verdictTop = Math.max(0, ...verdicts.map((s) => SEVERITY_RANK[s]));
  if (alertTop >= SEVERITY_RANK.high || verdictTop >= SEVERITY_RANK.high) return 'unhealthy';
  if (active.length || verdictTop >= SEVERITY_RANK.low) return 'degraded';
  return verdicts.length ? 'healthy' : 'unknown';
}

function summary(r: ReportSummary | null | undefined) {
  if (!r) return null;
  return { reportId: r.id, severity: r.severity, driftedShare: r.driftedShare, createdAt: r.createdAt.toISOString() };
}
