import { Inject, Injectable } from '@nestjs/common';
import { JobName, QueueName, WEBHOOK_HEADERS, WebhookDeliverJob, type WebhookPayload } from '@modelyard/types';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Counter } from 'prom-client';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OutboundRefused, OutboundUrlPolicy } from '../outbound/outbound-url.policy.js';
import { JobHandler } from '../queues/job-handler.js';
import { DeliveryQueue } from './delivery-queue.js';
import { signWebhook } from './signature.js';
import { WebhooksRepository } from './webhooks.repository.js';

interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** Network errors, timeouts, 5xx, 408 and 429 may pass later; other answers will not. */
  retryable: boolean;
}

const retryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

@Injectable()
export class DeliveryProcessor {
  private readonly results: Counter<'event' | 'result'>;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(WebhooksRepository) private readonly repository: WebhooksRepository,
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
    @Inject(OutboundUrlPolicy) private readonly outbound: OutboundUrlPolicy,
    @Inject(MetricsService) metrics: MetricsService,
  ) {
    this.results = metrics.counter('webhook_delivery_attempts_total', 'Webhook delivery attempts by event and result', ['event', 'result']);
  }

  // Deliveries wait on other people's servers, so many run at once.
  @JobHandler(QueueName.webhooks, JobName.webhookDeliver, { concurrency: 16 })
  async deliver(data: unknown, job: Job): Promise<string> {
    const { deliveryId } = WebhookDeliverJob.parse(data);
    const delivery = await this.repository.forDelivery(deliveryId);
    // Gone (subscription deleted, or its dispatch rolled back) or already settled: nothing to do.
    if (!delivery || delivery.status !== 'pending') return 'skipped';

    const payload: WebhookPayload = {
      id: delivery.outbox.eventId,
      type: delivery.event,
      occurredAt: delivery.outbox.occurredAt.toISOString(),
      data: delivery.outbox.payload as WebhookPayload['data'],
    };
    const result = await this.send(delivery.subscription, delivery.id, delivery.event, JSON.stringify(payload));
    const attempt = job.attemptsMade + 1;
    const last = result.ok || !result.retryable || attempt >= (job.opts.attempts ?? 1);
    await this.repository.recordAttempt(delivery.id, {
      status: result.ok ? 'succeeded' : last ? 'failed' : 'pending',
      statusCode: result.statusCode,
      error: result.error,
      nextAttemptAt: new Date(Date.now() + this.queue.backoffMs(attempt)),
    });
    this.results.inc({ event: delivery.event, result: result.ok ? 'succeeded' : last ? 'failed' : 'retrying' });
    if (result.ok) return `delivered with ${result.statusCode}`;
    if (!result.retryable) throw new UnrecoverableError(result.error ?? 'rejected');
    throw new Error(result.error ?? 'failed');
  }

  private async send(target: { url: string; secret: string }, id: string, event: string, body: string): Promise<SendResult> {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      // The outbound-URL policy checks the URL and every address it resolves to, then connects to those.
      const res = await this.outbound.fetch(target.url, {
        method: 'POST',
        body,
        // Redirects are not followed: a subscription names the exact receiver.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': `modelyard-webhooks/${this.config.service}`,
          [WEBHOOK_HEADERS.id]: id,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(target.secret, id, timestamp, body),
          [WEBHOOK_HEADERS.event]: event,
        },
      });
      // The receiver's body is not needed; release the connection.
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, error: null, retryable: false };
      return { ok: false, statusCode: res.status, error: `receiver answered HTTP ${res.status}`, retryable: retryableStatus(res.status) };
    } catch (err) {
      // Refused by the policy: the same URL will be refused again, so this is final.
      if (err instanceof OutboundRefused) return { ok: false, statusCode: null, error: err.message, retryable: false };
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const message = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : (cause ?? String(err));
      return { ok: false, statusCode: null, error: `network error: ${message}`, retryable: true };
    }
  }
}
