import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import {
  currentRequestId,
  decodeCursor,
  emitWebhookEvent,
  keysetAfter,
  modelNameWhere,
  parseIntCursor,
  PrismaService,
  type ModelFilter,
} from '@modelyard/platform';
import { isWebhookEvent, type AuditQuery } from '@modelyard/types';

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

/** The filters of an audit query; each one given narrows the list. */
function auditFilter(query: AuditQuery): Prisma.AuditEventWhereInput {
  return {
    ...(query.model ? { modelName: query.model } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: { startsWith: query.action } } : {}),
    ...(query.since || query.until
      ? { at: { ...(query.since ? { gte: new Date(query.since) } : {}), ...(query.until ? { lt: new Date(query.until) } : {}) } }
      : {}),
  };
}

/**
 * The audit log. `record` takes the caller's transaction: the entry commits or rolls back with the
 * change. Actions that are webhook events also go to the webhook outbox, in the same transaction.
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async record(tx: Tx, entry: AuditEntry): Promise<void> {
    const requestId = currentRequestId() ?? null;
    await tx.auditEvent.create({
      data: {
        modelName: entry.model,
        action: entry.action,
        actor: entry.actor,
        subject: entry.subject,
        before: json(entry.before),
        after: json(entry.after),
        reason: entry.reason ?? null,
        requestId,
      },
    });
    if (isWebhookEvent(entry.action)) {
      const { model, subject, actor, before = null, after = null, reason = null } = entry;
      await emitWebhookEvent(tx, entry.action, { model, subject, actor, before, after, reason, requestId });
    }
  }

  /** `readable`: the models whose entries the caller may read. */
  list(query: AuditQuery, readable: ModelFilter) {
    const cursor = decodeCursor(query.cursor, parseIntCursor);
    const visible = modelNameWhere(readable);
    // Entries about no model (NOT IN leaves out NULLs) stay visible to global readers.
    const narrowed: Prisma.AuditEventWhereInput = !visible
      ? {}
      : readable.kind === 'except'
        ? { OR: [{ modelName: null }, { modelName: visible }] }
        : { modelName: visible };
    return this.prisma.auditEvent.findMany({
      where: {
        AND: [
          auditFilter(query),
          narrowed,
          cursor !== undefined ? keysetAfter<Prisma.AuditEventWhereInput>([{ id: 'desc' }], { id: cursor }) : {},
        ],
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
  }
}
