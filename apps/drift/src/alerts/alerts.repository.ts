import { Inject, Injectable } from '@nestjs/common';
import type { DriftAlert, Prisma } from '@modelyard/db';
import {
  decodeCursor,
  keysetAfter,
  keysetSelect,
  NotFound,
  parseUuidCursor,
  PrismaService,
  recordAudit,
  type OrderColumn,
  modelNameWhere,
  type ModelFilter,
  UUID_PATTERN,
} from '@modelyard/platform';
import type { ListAlertsQuery } from '@modelyard/types';

/** Alerts are written with their report (ReportsRepository.saveWith); this reads and acknowledges them. */
/** Newest first; the id makes the order total, so a page boundary never skips or repeats a row. */
const NEWEST_FIRST: OrderColumn[] = [{ createdAt: 'desc' }, { id: 'desc' }];

@Injectable()
export class AlertsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The rows after the cursor row in NEWEST_FIRST (see keysetAfter). */
  private async after(id: string): Promise<Prisma.DriftAlertWhereInput> {
    const row = await this.prisma.driftAlert.findUnique({ where: { id }, select: keysetSelect(NEWEST_FIRST) });
    return keysetAfter<Prisma.DriftAlertWhereInput>(NEWEST_FIRST, row);
  }

  /** `readable`: the models whose alerts the caller may read. */
  async list(query: ListAlertsQuery, readable: ModelFilter): Promise<DriftAlert[]> {
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    const visible = modelNameWhere(readable);
    return this.prisma.driftAlert.findMany({
      where: {
        ...(visible ? { AND: [{ model: visible }] } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.monitorId ? { monitorId: query.monitorId } : {}),
        ...(query.model ? { model: query.model } : {}),
        ...(cursor ? await this.after(cursor) : {}),
      },
      orderBy: NEWEST_FIRST,
      take: query.limit + 1,
    });
  }

  /** The model an alert is about, for team checks; null when there is no such alert. */
  async modelOf(id: string): Promise<string | null> {
    // Anything else than a UUID would be a database error on this column.
    if (!UUID_PATTERN.test(id)) return null;
    return (await this.prisma.driftAlert.findUnique({ where: { id }, select: { model: true } }))?.model ?? null;
  }

  activeForModel(model: string): Promise<DriftAlert[]> {
    return this.prisma.driftAlert.findMany({ where: { model, status: 'active' }, orderBy: { createdAt: 'desc' }, take: 100 });
  }

  /** Acknowledging twice keeps the first acknowledgement. */
  acknowledge(id: string, actor: string): Promise<DriftAlert> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.driftAlert.updateMany({
        where: { id, status: 'active' },
        data: { status: 'acknowledged', acknowledgedBy: actor, acknowledgedAt: new Date() },
      });
      const row = await tx.driftAlert.findUnique({ where: { id } });
      if (!row) throw new NotFound('alert', id);
      if (count > 0) {
        const before = { status: 'active', acknowledgedBy: null, acknowledgedAt: null };
        const after = { status: row.status, acknowledgedBy: row.acknowledgedBy, acknowledgedAt: row.acknowledgedAt };
        await recordAudit(tx, 'drift', { action: 'alert.acknowledged', actor, target: `alert:${id}`, model: row.model, before, after });
      }
      return row;
    });
  }
}
