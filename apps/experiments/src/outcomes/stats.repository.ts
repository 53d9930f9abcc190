import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@modelyard/platform';
import type { StatValue } from './stats-snapshot.js';

/** The experiments_stats table: the last snapshot of each experiment's sufficient statistics. */
@Injectable()
export class StatsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Writes the snapshot's values in one transaction (a statistic not in it keeps its last value). */
  async save(experimentId: string, values: StatValue[]): Promise<void> {
    await this.prisma.$transaction(
      values.map(({ variant, metric, value }) =>
        this.prisma.experimentStat.upsert({
          where: { experimentId_variant_metric: { experimentId, variant, metric } },
          create: { experimentId, variant, metric, value },
          update: { value },
        }),
      ),
    );
  }

  load(experimentId: string): Promise<StatValue[]> {
    return this.prisma.experimentStat.findMany({
      where: { experimentId },
      select: { variant: true, metric: true, value: true },
    });
  }
}
