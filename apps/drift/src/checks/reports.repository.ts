import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type DriftMonitor, type DriftReport } from '@modelyard/db';
import { decodeCursor, emitWebhookEvent, emitWebhookEventTo, NotFound, parseUuidCursor, PrismaService } from '@modelyard/platform';
import { SEVERITY_RANK, type AlertSeverity, type DriftReportBody, type PageQuery } from '@modelyard/types';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

export interface NewReport {
  monitor: DriftMonitor;
  trigger: 'schedule' | 'manual';
  windowSeq: number;
  windowRecords: number;
  body: DriftReportBody;
  durationMs: number;
}

export interface AlertCandidate {
  kind: 'drift' | 'rule';
  key: string;
  severity: AlertSeverity;
  message: string;
}

export interface SavedReport {
  report: DriftReport;
  /** Alerts raised (after de-duplication), for metrics. */
  alerts: { severity: AlertSeverity }[];
  /** Deliveries to the monitor's own webhook, to queue after commit. */
  deliveryIds: string[];
}

/** Reports and the alerts they raise, written together so a retried check never half-applies. */
@Injectable()
export class ReportsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  find(monitorId: string, windowSeq: number, referenceVersion: number) {
    return this.prisma.driftReport.findUnique({ where: { monitorId_windowSeq_referenceVersion: { monitorId, windowSeq, referenceVersion } } });
  }

  /** The first report of this reference covering at least `windowSeq` records (on-demand checks wait for it). */
  covering(monitorId: string, windowSeq: number, referenceVersion: number) {
    return this.prisma.driftReport.findFirst({ where: { monitorId, referenceVersion, windowSeq: { gte: windowSeq } }, orderBy: { windowSeq: 'asc' } });
  }

  list(monitorId: string, query: PageQuery) {
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    return this.prisma.driftReport.findMany({
      where: { monitorId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }

  async get(monitorId: string, id: string) {
    const row = await this.prisma.driftReport.findFirst({ where: { id, monitorId } });
    if (!row) throw new NotFound('report', id);
    return row;
  }

  latestPerMonitor(monitorIds: string[]) {
    return Promise.all(monitorIds.map((monitorId) => this.prisma.driftReport.findFirst({ where: { monitorId }, orderBy: { createdAt: 'desc' } })));
  }

  /**
   * Stores the report, its alerts and the retrain decision in one transaction, under a per-monitor
   * advisory lock so concurrent checks of one monitor de-duplicate alerts and claim the retrain
   * cool-down one at a time. Returns null when this window was already reported (another worker).
   *  - An alert is raised unless one with the same key and at least this severity was raised within
   *    the cool-down (a worse one escalates at once).
   *  - Retraining is claimed by moving `lastRetrainAt` forward only if it is older than the
   *    cool-down: the same transaction as the report, so a crash cannot claim without a report.
   */
  async save(r: NewReport, candidates: AlertCandidate[], wantsRetrain: boolean): Promise<SavedReport | null> {
    const m = r.monitor;
    try {
      return await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`drift-monitor:${m.id}`}))`;
        const now = new Date();
        let retrainTriggered = false;
        if (wantsRetrain) {
          const claimed = await tx.driftMonitor.updateMany({
            where: { id: m.id, OR: [{ lastRetrainAt: null }, { lastRetrainAt: { lte: new Date(now.getTime() - m.retrainCooldownSeconds * 1000) } }] },
            data: { lastRetrainAt: now },
          });
          retrainTriggered = claimed.count === 1;
        }
        const report = await tx.driftReport.create({
          data: {
            monitorId: m.id,
            trigger: r.trigger,
            windowSeq: r.windowSeq,
            referenceVersion: m.referenceVersion,
            windowRecords: r.windowRecords,
            referenceRows: m.referenceRows,
            severity: r.body.severity,
            driftedShare: r.body.driftedShare,
            body: r.body as unknown as Prisma.InputJsonValue,
            retrainTriggered,
            durationMs: r.durationMs,
          },
        });
        const alerts: { severity: AlertSeverity }[] = [];
        const deliveryIds: string[] = [];
        const since = new Date(now.getTime() - m.cooldownSeconds * 1000);
        for (const c of candidates) {
          const recent = await tx.driftAlert.findMany({ where: { monitorId: m.id, key: c.key, createdAt: { gt: since } }, select: { severity: true } });
          if (recent.some((a) => SEVERITY_RANK[a.severity as AlertSeverity] >= SEVERITY_RANK[c.severity])) continue;
          const alert = await tx.driftAlert.create({ data: { monitorId: m.id, model: m.model, kind: c.kind, key: c.key, severity: c.severity, message: c.message, reportId: report.id } });
          const payload = { alertId: alert.id, monitorId: m.id, monitor: m.name, model: m.model, version: m.version, kind: c.kind, severity: c.severity, message: c.message, reportId: report.id };
          await emitWebhookEvent(tx, 'drift.alert', payload);
          const delivery = m.webhookSubscriptionId ? await emitWebhookEventTo(tx, m.webhookSubscriptionId, 'drift.alert', payload) : null;
          if (delivery) deliveryIds.push(delivery);
          alerts.push({ severity: c.severity });
        }
        if (retrainTriggered) {
          await emitWebhookEvent(tx, 'drift.retrain_triggered', { monitorId: m.id, model: m.model, pipelineId: m.retrainPipelineId, reportId: report.id, severity: r.body.severity });
        }
        return { report, alerts, deliveryIds };
      }, TX_OPTIONS);
    } catch (err) {
      // Unique (monitor, window, reference): this window has its report already.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null;
      throw err;
    }
  }
}
