import type { WebhookDelivery, WebhookSubscription } from '@modelyard/db';
import { redactUrl } from '../outbound/outbound-url.js';
import { WebhookEvent, type WebhookDeliveryResponse, type WebhookResponse } from '@modelyard/types';

export function toWebhookResponse(row: WebhookSubscription): WebhookResponse {
  return {
    id: row.id,
    // A receiver's password stays with the subscription: it is sent, never shown.
    url: redactUrl(row.url),
    events: row.events.flatMap((e) => (WebhookEvent.safeParse(e).success ? [e as WebhookEvent] : [])),
    description: row.description,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toDeliveryResponse(row: WebhookDelivery & { outbox: { eventId: string } }): WebhookDeliveryResponse {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.outbox.eventId,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    redeliveryOf: row.redeliveryOf,
    createdAt: row.createdAt.toISOString(),
  };
}
