import type { Prisma } from '@modelyard/db';

/**
 * Webhook targets: subscriptions addressed directly by another feature (e.g. a drift monitor's own
 * alert URL) instead of by event name. They subscribe to no event, so the outbox dispatcher never
 * fans events out to them; `emitWebhookEventTo` writes one delivery for one target, which then goes
 * through the same signed, retried and logged delivery as every subscription's.
 */
export async function createWebhookTarget(
  tx: Prisma.TransactionClient,
  target: { url: string; secret: string; description: string; createdBy: string },
): Promise<string> {
  const row = await tx.webhookSubscription.create({ data: { ...target, events: [] } });
  return row.id;
}

export async function deleteWebhookTarget(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.webhookSubscription.deleteMany({ where: { id, events: { isEmpty: true } } });
}

/**
 * Records `event` for one target in the caller's transaction and returns the delivery id. Queue it
 * after commit (`DeliveryQueue.enqueue`); if that never happens, the dispatcher's overdue sweep
 * queues the pending delivery, so a crash after commit delays it but does not lose it. Returns null
 * when the target is gone (an admin may delete it through the webhooks routes like any subscription).
 */
export async function emitWebhookEventTo(
  tx: Prisma.TransactionClient,
  targetId: string,
  event: string,
  data: unknown,
): Promise<string | null> {
  if (!(await tx.webhookSubscription.findUnique({ where: { id: targetId }, select: { id: true } }))) return null;
  const outbox = await tx.webhookOutbox.create({
    // Already dispatched: this event goes to its one target, not to event subscribers.
    data: { event, payload: JSON.parse(JSON.stringify(data ?? null)) as Prisma.InputJsonValue, dispatchedAt: new Date() },
  });
  const delivery = await tx.webhookDelivery.create({ data: { subscriptionId: targetId, outboxId: outbox.id, event } });
  return delivery.id;
}
