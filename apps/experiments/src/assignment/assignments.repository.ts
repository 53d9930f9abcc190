import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@modelyard/platform';

/** A sticky assignment as persisted: the unit's variant (by key) in one experiment. */
export interface PersistedAssignment {
  unit: string;
  variant: string;
}

/** The experiments_assignments table: sticky assignments persisted from Redis (see StickyPersistence). */
@Injectable()
export class AssignmentsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The persisted assignments of these units (read while Redis is not restored). */
  persisted(experimentId: string, units: string[]): Promise<PersistedAssignment[]> {
    return this.prisma.experimentAssignment.findMany({
      where: { experimentId, unit: { in: units } },
      select: { unit: true, variant: true },
    });
  }

  /**
   * Inserts them; units persisted already keep their row (a repeated drain inserts nothing twice).
   * One statement with two array parameters, whatever the count: a createMany of a 5,000-row chunk
   * had Prisma's query compiler plan every row, a fifth of the service's CPU under first assignments.
   */
  async save(experimentId: string, assignments: PersistedAssignment[]): Promise<void> {
    if (!assignments.length) return;
    const units = assignments.map((a) => a.unit);
    const variants = assignments.map((a) => a.variant);
    await this.prisma.$executeRaw`
      INSERT INTO experiments_assignments ("experimentId", unit, variant)
      SELECT ${experimentId}::uuid, t.unit, t.variant FROM unnest(${units}::text[], ${variants}::text[]) AS t(unit, variant)
      ON CONFLICT ("experimentId", unit) DO NOTHING`;
  }

  /** Up to `take` assignments in unit order, after the unit `after` (from the first without it). */
  page(experimentId: string, after: string | undefined, take: number): Promise<PersistedAssignment[]> {
    return this.prisma.experimentAssignment.findMany({
      // Keyset, not Prisma's cursor option (which reads every row after the cursor: prisma/prisma#27094).
      where: { experimentId, ...(after !== undefined ? { unit: { gt: after } } : {}) },
      select: { unit: true, variant: true },
      orderBy: { unit: 'asc' },
      take,
    });
  }
}
