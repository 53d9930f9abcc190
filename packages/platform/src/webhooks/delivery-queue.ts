import { Inject, Injectable } from '@nestjs/common';
import { JobName, QueueName, type WebhookDeliverJob } from '@modelyard/types';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { QueueService } from '../queues/queue.service.js';

/** Webhook retries follow the receiver's recovery, not the platform's default job policy. */
@Injectable()
export class DeliveryQueue {
  constructor(
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** When attempt `attempt` (1-based) failed, the next one is due after this many ms (BullMQ's exponential formula). */
  backoffMs(attempt: number): number {
    return 2 ** (attempt - 1) * this.config.webhooks.retryBaseMs;
  }

  async enqueue(deliveryIds: string[]): Promise<void> {
    const { maxAttempts, retryBaseMs } = this.config.webhooks;
    await Promise.all(
      deliveryIds.map((deliveryId) =>
        // The delivery id is the job id: enqueuing a delivery twice queues it once.
        this.queues.enqueueUnique<WebhookDeliverJob>(
          QueueName.webhooks,
          JobName.webhookDeliver,
          { deliveryId },
          `webhook-delivery:${deliveryId}`,
          {
            attempts: maxAttempts,
            backoff: { type: 'exponential', delay: retryBaseMs },
          },
        ),
      ),
    );
  }
}
