import type { Prisma } from '@modelyard/db';
import type { WebhookEvent } from '@modelyard/types';

/**
 * Records an event for webhook delivery. Call it with the transaction that makes the change:
 * the row commits or rolls back with it, so an event is never lost to a crash nor sent for a
 * change that did not happen. The dispatcher delivers it after commit.
 */
export async function emitWebhookEvent(tx: Prisma.TransactionClient, event: WebhookEvent, data: unknown): Promise<void> {
  await tx.webhookOutbox.create({
    data: { event, payload: JSON.parse(JSON.stringify(data ?? null)) as Prisma.InputJsonValue },
  });
}
