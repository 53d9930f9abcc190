import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type DriftCheckTrigger } from '@modelyard/db';
import {
  decodeCursor,
  emitWebhookEvent,
  emitWebhookEventTo,
  keysetAfter,
  keysetSelect,
  NotFound,
  parseUuidCursor,
  PrismaService,
  type OrderColumn,
} from '@modelyard/platform';
import type { DriftReportBody, PageQuery } from '@modelyard/types';
import type { Monitor } from '../monitors/monitors.mapper.js';
import { cooldownStart, type AlertCandidate, type PastAlert } from './alert-policy.js';
import { toReport, type Report, type ReportSummary } from './reports.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

export interface NewReport {
  monitor: Monitor;
  trigger: DriftCheckTrigger;
  windowSeq: number;
  labelSeq: number;
  windowRecords: number;
  body: DriftReportBody;
  durationMs: number;
}

/** What a check's decision is made on, read under the monitor's lock. */
export interface PriorState {
  now: Date;
  lastRetrainAt: Date | null;
  /** Alerts of the candidates' keys raised within the monitor's cool-down. */
  recentAlerts: PastAlert[];
}

export interface CheckDecision {
  /** Alerts to raise (after de-duplication). */
  alerts: AlertCandidate[];
  /** Retraining claimed: `lastRetrainAt` moves to `now` and a retrain job follows. */
  retrain: boolean;
}

/** The decision step a check runs inside the report's transaction. */
export interface CheckStep {
  /** Keys of the alerts the check may raise: their recent history is read for the decision. */
  alertKeys: string[];
  decide(prior: PriorState): CheckDecision;
}

export type SaveOutcome =
  /** `deliveryIds`: deliveries to the monitor's own webhook, to queue after commit. */
  | { status: 'saved'; report: Report; alerts: AlertCandidate[]; deliveryIds: string[] }
  /** This window has its report already (another worker, or a retry). */
  | { status: 'duplicate' }
  /** The monitor was deleted while it was checked. */
  | { status: 'gone' };

/** Reports and the alerts they raise, written together so a retried check never half-applies. */
/** Newest first; the id makes the order total, so a page boundary never skips or repeats a row. */
const NEWEST_FIRST: OrderColumn[] = [{ createdAt: 'desc' }, { id: 'desc' }];

@Injectable()
export class ReportsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The rows after the cursor row in NEWEST_FIRST (see keysetAfter). */
  private async after(id: string): Promise<Prisma.DriftReportWhereInput> {
    const row = await this.prisma.driftReport.findUnique({ where: { id }, select: keysetSelect(NEWEST_FIRST) });
    return keysetAfter<Prisma.DriftReportWhereInput>(NEWEST_FIRST, row);
  }

  /** Whether this window (with these labels) has its report, and whether that report claimed a retrain. */
  find(
    monitorId: string,
    windowSeq: number,
    referenceVersion: number,
    labelSeq: number,
  ): Promise<Pick<Report, 'id' | 'retrainTriggered'> | null> {
    return this.prisma.driftReport.findUnique({
      where: { monitorId_windowSeq_referenceVersion_labelSeq: { monitorId, windowSeq, referenceVersion, labelSeq } },
      select: { id: true, retrainTriggered: true },
    });
  }

  /** The first report of this reference covering at least `windowSeq` records and `labelSeq` label changes (on-demand checks wait for it). */
  async covering(monitorId: string, windowSeq: number, referenceVersion: number, labelSeq: number): Promise<Report | null> {
    const row = await this.prisma.driftReport.findFirst({
      where: { monitorId, referenceVersion, windowSeq: { gte: windowSeq }, labelSeq: { gte: labelSeq } },
      orderBy: [{ windowSeq: 'asc' }, { labelSeq: 'asc' }],
    });
    return row ? toReport(row) : null;
  }

  async list(monitorId: string, query: PageQuery): Promise<Report[]> {
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    const rows = await this.prisma.driftReport.findMany({
      where: { monitorId, ...(cursor ? await this.after(cursor) : {}) },
      orderBy: NEWEST_FIRST,
      take: query.limit + 1,
    });
    return rows.map((row) => toReport(row));
  }

  async get(monitorId: string, id: string): Promise<Report> {
    const row = await this.prisma.driftReport.findFirst({ where: { id, monitorId } });
    if (!row) throw new NotFound('report', id);
    return toReport(row);
  }

  latestPerMonitor(monitorIds: string[]): Promise<(ReportSummary | null)[]> {
    const select = { id: true, severity: true, driftedShare: true, createdAt: true } as const;
    const latest = (monitorId: string) =>
      this.prisma.driftReport.findFirst({ where: { monitorId }, orderBy: { createdAt: 'desc' }, select });
    return Promise.all(monitorIds.map(latest));
  }

  /**
   * Stores the report with what `step` decides on the prior state (alerts to raise, retrain claim),
   * in one transaction under a per-monitor advisory lock: concurrent checks of one monitor decide
   * one at a time, each seeing the alerts and claim of the one before, and a crash cannot leave a
   * claim or an alert without its report.
   */
  async saveWith(r: NewReport, step: CheckStep): Promise<SaveOutcome> {
    const m = r.monitor;
    try {
      return await this.prisma.$transaction(async (tx): Promise<SaveOutcome> => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`drift-monitor:${m.id}`}))`;
        const prior = await this.priorState(tx, m, step.alertKeys);
        if (!prior) return { status: 'gone' };
        const decision = step.decide(prior);
        const claim = { where: { id: m.id }, data: { lastRetrainAt: prior.now } };
        if (decision.retrain) await tx.driftMonitor.updateMany(claim);
        const report = toReport(await tx.driftReport.create({ data: reportData(r, decision.retrain) }), r.body);
        const deliveryIds = await this.raiseAlerts(tx, m, report.id, decision.alerts);
        if (decision.retrain) {
          const { id: monitorId, model, retrainPipelineId: pipelineId } = m;
          const payload = { monitorId, model, pipelineId, reportId: report.id, severity: r.body.severity };
          await emitWebhookEvent(tx, 'drift.retrain_triggered', payload);
        }
        return { status: 'saved', report, alerts: decision.alerts, deliveryIds };
      }, TX_OPTIONS);
    } catch (err) {
      // Unique (monitor, window, reference): this window has its report already.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return { status: 'duplicate' };
      // Foreign key: the monitor was deleted after the prior state was read.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003') return { status: 'gone' };
      throw err;
    }
  }

  private async priorState(tx: Prisma.TransactionClient, m: Monitor, keys: string[]): Promise<PriorState | null> {
    const now = new Date();
    const monitor = await tx.driftMonitor.findUnique({ where: { id: m.id }, select: { lastRetrainAt: true } });
    if (!monitor) return null;
    const recentAlerts = keys.length
      ? await tx.driftAlert.findMany({
          where: { monitorId: m.id, key: { in: keys }, createdAt: { gt: cooldownStart(now, m.cooldownSeconds) } },
          select: { key: true, severity: true, createdAt: true },
        })
      : [];
    return { now, lastRetrainAt: monitor.lastRetrainAt, recentAlerts };
  }

  /** Writes the alerts with their webhook events; returns the deliveries to the monitor's own webhook. */
  private async raiseAlerts(tx: Prisma.TransactionClient, m: Monitor, reportId: string, alerts: AlertCandidate[]) {
    const deliveryIds: string[] = [];
    for (const { kind, key, severity, message } of alerts) {
      const data = { monitorId: m.id, model: m.model, kind, key, severity, message, reportId };
      const alert = await tx.driftAlert.create({ data });
      const monitor = { monitorId: m.id, monitor: m.name, model: m.model, version: m.version };
      const payload = { alertId: alert.id, ...monitor, kind, severity, message, reportId };
      await emitWebhookEvent(tx, 'drift.alert', payload);
      const target = m.webhookSubscriptionId;
      const delivery = target ? await emitWebhookEventTo(tx, target, 'drift.alert', payload) : null;
      if (delivery) deliveryIds.push(delivery);
    }
    return deliveryIds;
  }
}

function reportData(r: NewReport, retrainTriggered: boolean): Prisma.DriftReportUncheckedCreateInput {
  return {
    monitorId: r.monitor.id,
    trigger: r.trigger,
    windowSeq: r.windowSeq,
    labelSeq: r.labelSeq,
    referenceVersion: r.monitor.referenceVersion,
    windowRecords: r.windowRecords,
    referenceRows: r.monitor.referenceRows,
    severity: r.body.severity,
    driftedShare: r.body.driftedShare,
    body: r.body,
    retrainTriggered,
    durationMs: r.durationMs,
  };
}
