import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { currentRequestId, decodeCursor, parseIntCursor, PrismaService } from '@modelyard/platform';
import type { AuditQuery } from '@modelyard/types';

export type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  model: string | null;
  action: string;
  actor: string;
  subject: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

const json = (value: unknown) =>
  value === undefined || value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);

/** The audit log. `record` takes the caller's transaction: the entry commits or rolls back with the change. */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async record(tx: Tx, entry: AuditEntry): Promise<void> {
    await tx.auditEvent.create({
      data: {
        modelName: entry.model,
        action: entry.action,
        actor: entry.actor,
        subject: entry.subject,
        before: json(entry.before),
        after: json(entry.after),
        reason: entry.reason ?? null,
        requestId: currentRequestId() ?? null,
      },
    });
  }

  list(query: AuditQuery) {
    const cursor = decodeCursor(query.cursor, parseIntCursor);
    return this.prisma.auditEvent.findMany({
      where: query.model ? { modelName: query.model } : {},
      orderBy: { id: 'desc' },
      take: query.limit + 1,
      ...(cursor !== undefined ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }
}
