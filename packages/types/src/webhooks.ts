import { z } from 'zod';
import { JsonValue, PageQuery, STRING_CHECKS, pageOf, safeString, safeText } from './common.js';

/**
 * Events a webhook can subscribe to. Names are part of the contract (receivers branch on them):
 * never rename one. `webhook.test` is only sent by the test endpoint, to the one subscription.
 */
export const WebhookEvent = z.enum([
  'model.created',
  'version.created',
  'version.stage_changed',
  'version.promoted',
  'version.rolled_back',
  'alias.set',
  'alias.deleted',
  'artifact.uploaded',
  /** A member approved or rejected a version for production (models with `requiredApprovals`). */
  'version.approved',
  'version.rejected',
  /** A validation report was recorded on a version (by serving, on load or on request). */
  'version.validated',
  /** A drift monitor raised an alert (drift severity or an operational rule). */
  'drift.alert',
  /** A drift monitor enqueued retraining of its linked learning pipeline. */
  'drift.retrain_triggered',
]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export function isWebhookEvent(name: string): name is WebhookEvent {
  return WebhookEvent.safeParse(name).success;
}

/** Headers of every delivery (Standard Webhooks layout). */
export const WEBHOOK_HEADERS = {
  /** The delivery id: stable across retries of one delivery, so receivers can de-duplicate. */
  id: 'webhook-id',
  /** Unix seconds when this attempt was signed; receivers should reject old ones (replays). */
  timestamp: 'webhook-timestamp',
  /** `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`. */
  signature: 'webhook-signature',
  event: 'webhook-event',
} as const;

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
  .check(STRING_CHECKS.wellFormed, STRING_CHECKS.noControl)
  .max(2048);

export const CreateWebhookBody = z.strictObject({
  url: WebhookUrl,
  events: z.array(WebhookEvent).min(1).max(WebhookEvent.options.length),
  /** Signing secret; generated when omitted. At least 24 characters so it cannot be guessed. */
  secret: safeString().min(24).max(256).optional(),
  description: safeText().max(500).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const WebhookResponse = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(WebhookEvent),
  description: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type WebhookResponse = z.infer<typeof WebhookResponse>;

/** Only the creation response carries the secret. */
export const CreatedWebhookResponse = WebhookResponse.extend({ secret: z.string() });
export type CreatedWebhookResponse = z.infer<typeof CreatedWebhookResponse>;

export const DeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const WebhookDeliveryResponse = z.object({
  id: z.uuid(),
  subscriptionId: z.uuid(),
  eventId: z.uuid(),
  event: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  redeliveryOf: z.uuid().nullable(),
  createdAt: z.string(),
});
export type WebhookDeliveryResponse = z.infer<typeof WebhookDeliveryResponse>;
export const WebhookDeliveryPage = pageOf(WebhookDeliveryResponse);

export const ListDeliveriesQuery = PageQuery.extend({ status: DeliveryStatus.optional() });
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;

/** The JSON body a receiver gets. `id` is the event's (shared by every subscription's delivery). */
export const WebhookPayload = z.object({
  id: z.uuid(),
  type: z.string(),
  occurredAt: z.string(),
  data: JsonValue,
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/**
 * Committed outbox events are also announced on Redis pub/sub, on this channel under REDIS_PREFIX
 * (`<prefix>:events`), once their rows have committed: a subscriber that reads the change back
 * through the API finds it. At most once and without retries (a subscriber that was disconnected
 * must catch up by itself); webhooks remain the reliable delivery.
 */
export const OUTBOX_EVENTS_CHANNEL = 'events';

/**
 * Announcements that are no webhook events: a service's own configuration changed for a model, so
 * that serving refreshes at once what it otherwise re-reads periodically (running experiments,
 * monitors and pipelines). Sent after the change has committed, best effort.
 */
export const CHANGE_NOTICES = {
  /** An experiment of the model started, stopped, concluded, or changed its weights. */
  experiment: 'experiment.changed',
  /** A drift monitor of the model was created, changed, paused, resumed or deleted. */
  monitor: 'monitor.changed',
  /** A learning pipeline of the model was created, changed (its state included) or deleted. */
  pipeline: 'pipeline.changed',
} as const;
export type ChangeNotice = (typeof CHANGE_NOTICES)[keyof typeof CHANGE_NOTICES];

/** One announcement: the event's name and the model it concerns (null for events about no model). */
export const OutboxEventNotice = z.object({ event: z.string(), model: z.string().nullable() });
export type OutboxEventNotice = z.infer<typeof OutboxEventNotice>;
