import { Inject, Injectable } from '@nestjs/common';
import type { DriftAlert } from '@modelyard/db';
import { decodeCursor, NotFound, parseUuidCursor, PrismaService } from '@modelyard/platform';
import type { ListAlertsQuery } from '@modelyard/types';

/** Alerts are written with their report (ReportsRepository.saveWith); this reads and acknowledges them. */
@Injectable()
export class AlertsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  list(query: ListAlertsQuery): Promise<DriftAlert[]> {
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    return this.prisma.driftAlert.findMany({
      where: {
        ...(query.status ? { status: query.status } : {}),
        ...(query.monitorId ? { monitorId: query.monitorId } : {}),
        ...(query.model ? { model: query.model } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }

  activeForModel(model: string): Promise<DriftAlert[]> {
    return this.prisma.driftAlert.findMany({ where: { model, status: 'active' }, orderBy: { createdAt: 'desc' }, take: 100 });
  }

  /** Acknowledging twice keeps the first acknowledgement. */
  async acknowledge(id: string, actor: string): Promise<DriftAlert> {
    await this.prisma.driftAlert.updateMany({
      where: { id, status: 'active' },
      data: { status: 'acknowledged', acknowledgedBy: actor, acknowledgedAt: new Date() },
    });
    const row = await this.prisma.driftAlert.findUnique({ where: { id } });
    if (!row) throw new NotFound('alert', id);
    return row;
  }
}
