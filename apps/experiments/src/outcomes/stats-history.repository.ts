import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@modelyard/platform';
import { unitsOf } from './stats-history.js';
import type { StatValue } from './stats-snapshot.js';

export interface HistoryRow {
  seq: number;
  at: Date;
  stats: StatValue[];
}

/**
 * The experiments_stats_history table: numbered snapshots of the sufficient statistics. Written
 * by the tick under the experiment's tick lock, so the next number is never taken twice.
 */
@Injectable()
export class StatsHistoryRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The newest snapshot's number, time and exposed units; null before the first. */
  async last(experimentId: string): Promise<{ seq: number; at: Date; units: number } | null> {
    const newest = await this.prisma.experimentStatsHistory.findFirst({
      where: { experimentId },
      orderBy: { seq: 'desc' },
      select: { seq: true, at: true },
    });
    if (!newest) return null;
    const counts = await this.prisma.experimentStatsHistory.findMany({
      where: { experimentId, seq: newest.seq, metric: '' },
      select: { variant: true, metric: true, value: true },
    });
    return { ...newest, units: unitsOf(counts) };
  }

  async append(experimentId: string, seq: number, stats: StatValue[], at: Date): Promise<void> {
    await this.prisma.experimentStatsHistory.createMany({
      data: stats.map(({ variant, metric, value }) => ({ experimentId, seq, variant, metric, value, at })),
    });
  }

  /** The newest `limit` snapshots, oldest first. */
  async list(experimentId: string, limit: number): Promise<HistoryRow[]> {
    const newest = await this.prisma.experimentStatsHistory.findFirst({
      where: { experimentId },
      orderBy: { seq: 'desc' },
      select: { seq: true },
    });
    if (!newest) return [];
    const rows = await this.prisma.experimentStatsHistory.findMany({
      where: { experimentId, seq: { gt: newest.seq - limit } },
      orderBy: [{ seq: 'asc' }],
    });
    const bySeq = new Map<number, HistoryRow>();
    for (const r of rows) {
      const row = bySeq.get(r.seq) ?? { seq: r.seq, at: r.at, stats: [] };
      row.stats.push({ variant: r.variant, metric: r.metric, value: r.value });
      bySeq.set(r.seq, row);
    }
    return [...bySeq.values()];
  }
}
