import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@modelyard/db';
import { WEBHOOK_TEST_EVENT, type DeliveryStatus, type ListDeliveriesQuery, type OutboxEventNotice } from '@modelyard/types';
import { recordAudit } from '../audit/audit-writer.js';
import { NotFound } from '../errors/domain-errors.js';
import { keysetAfter, keysetSelect, type OrderColumn } from '../http/keyset.js';
import { decodeCursor, parseUuidCursor } from '../http/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { toWebhookResponse } from './webhooks.mapper.js';

const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

export interface NewSubscription {
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  createdBy: string;
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date;
}

/** How subscriptions are named in the audit log. */
const webhookTarget = (id: string) => `webhook:${id}`;

/** The only file of the webhooks feature that touches Prisma. */
/** Newest first; the id makes the order total, so a page boundary never skips or repeats a row. */
const NEWEST_FIRST: OrderColumn[] = [{ createdAt: 'desc' }, { id: 'desc' }];

@Injectable()
export class WebhooksRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The rows after the cursor row in NEWEST_FIRST (see keysetAfter). */
  private async deliveriesAfter(id: string): Promise<Prisma.WebhookDeliveryWhereInput> {
    const row = await this.prisma.webhookDelivery.findUnique({ where: { id }, select: keysetSelect(NEWEST_FIRST) });
    return keysetAfter<Prisma.WebhookDeliveryWhereInput>(NEWEST_FIRST, row);
  }

  /** The audit shows the subscription as its API does: the signing secret and the URL's password never. */
  createSubscription(data: NewSubscription) {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.webhookSubscription.create({ data });
      const after = toWebhookResponse(row);
      await recordAudit(tx, 'platform', { action: 'webhook.created', actor: data.createdBy, target: webhookTarget(row.id), after });
      return row;
    }, TX_OPTIONS);
  }

  listSubscriptions() {
    return this.prisma.webhookSubscription.findMany({ orderBy: { createdAt: 'asc' } });
  }

  async getSubscription(id: string) {
    const row = await this.prisma.webhookSubscription.findUnique({ where: { id } });
    if (!row) throw new NotFound('webhook', id);
    return row;
  }

  async deleteSubscription(id: string, actor: string) {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.webhookSubscription.findUnique({ where: { id } });
      // deleteMany: a concurrent delete between the two makes this a 404, not a 500.
      const { count } = await tx.webhookSubscription.deleteMany({ where: { id } });
      if (!row || count === 0) throw new NotFound('webhook', id);
      await recordAudit(tx, 'platform', { action: 'webhook.deleted', actor, target: webhookTarget(id), before: toWebhookResponse(row) });
    }, TX_OPTIONS);
  }

  async listDeliveries(subscriptionId: string, query: ListDeliveriesQuery) {
    await this.getSubscription(subscriptionId);
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    return this.prisma.webhookDelivery.findMany({
      where: { subscriptionId, ...(query.status ? { status: query.status } : {}), ...(cursor ? await this.deliveriesAfter(cursor) : {}) },
      include: { outbox: { select: { eventId: true } } },
      orderBy: NEWEST_FIRST,
      take: query.limit + 1,
    });
  }

  async getDelivery(subscriptionId: string, id: string) {
    const row = await this.prisma.webhookDelivery.findFirst({
      where: { id, subscriptionId },
      include: { outbox: { select: { eventId: true } } },
    });
    if (!row) throw new NotFound('delivery', id);
    return row;
  }

  /** A `webhook.test` event addressed to one subscription (dispatched already, so nobody else gets it). */
  createTestDelivery(subscriptionId: string, actor: string) {
    return this.prisma.$transaction(async (tx) => {
      const outbox = await tx.webhookOutbox.create({
        data: { event: WEBHOOK_TEST_EVENT, payload: { subscriptionId, requestedBy: actor }, dispatchedAt: new Date() },
      });
      return tx.webhookDelivery.create({
        data: { subscriptionId, outboxId: outbox.id, event: outbox.event },
        include: { outbox: { select: { eventId: true } } },
      });
    }, TX_OPTIONS);
  }

  /** Redelivery is a new delivery of the same event (same event id, new delivery id), so the log keeps both. */
  redeliver(original: { id: string; subscriptionId: string; outboxId: bigint; event: string }) {
    return this.prisma.webhookDelivery.create({
      data: { subscriptionId: original.subscriptionId, outboxId: original.outboxId, event: original.event, redeliveryOf: original.id },
      include: { outbox: { select: { eventId: true } } },
    });
  }

  /**
   * Moves up to `limit` undispatched outbox rows to deliveries, one per matching subscription, and
   * returns the rows' count, the new delivery ids (to queue once this has committed: a job
   * queued earlier could run before its delivery row is visible) and the rows' events, to announce
   * likewise. Rows are claimed with SKIP LOCKED, so replicas share the work without waiting on each other.
   */
  dispatchBatch(limit: number): Promise<{ rows: number; deliveryIds: string[]; notices: OutboxEventNotice[] }> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; event: string; model: string | null }[]>`
        SELECT id, event, payload->>'model' AS model FROM platform_webhook_outbox
        WHERE "dispatchedAt" IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return { rows: 0, deliveryIds: [], notices: [] };
      const subscriptions = await tx.webhookSubscription.findMany({
        where: { events: { hasSome: [...new Set(rows.map((r) => r.event))] } },
        select: { id: true, events: true },
      });
      const deliveries: (Prisma.WebhookDeliveryCreateManyInput & { id: string })[] = rows.flatMap((row) =>
        subscriptions
          .filter((s) => s.events.includes(row.event))
          .map((s) => ({ id: randomUUID(), subscriptionId: s.id, outboxId: row.id, event: row.event })),
      );
      if (deliveries.length) await tx.webhookDelivery.createMany({ data: deliveries });
      await tx.webhookOutbox.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { dispatchedAt: new Date() } });
      const notices = rows.map((r) => ({ event: r.event, model: r.model }));
      return { rows: rows.length, deliveryIds: deliveries.map((d) => d.id), notices };
    }, TX_OPTIONS);
  }

  /** Pending deliveries whose next attempt is long overdue: their job was lost (e.g. Redis restarted empty). */
  async overdueDeliveries(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { status: 'pending', nextAttemptAt: { lt: before } },
      select: { id: true },
      orderBy: { nextAttemptAt: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  forDelivery(id: string) {
    return this.prisma.webhookDelivery.findUnique({
      where: { id },
      include: { subscription: { select: { url: true, secret: true } }, outbox: true },
    });
  }

  recordAttempt(id: string, outcome: AttemptOutcome) {
    const now = new Date();
    return this.prisma.webhookDelivery.update({
      where: { id },
      data: {
        status: outcome.status,
        attempts: { increment: 1 },
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        lastAttemptAt: now,
        nextAttemptAt: outcome.nextAttemptAt,
        ...(outcome.status === 'succeeded' ? { deliveredAt: now } : {}),
      },
    });
  }
}
