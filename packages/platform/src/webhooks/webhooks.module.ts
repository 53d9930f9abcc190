import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryQueue } from './delivery-queue.js';
import { DeliveryProcessor } from './delivery.processor.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks: subscriptions (admin routes), the outbox dispatcher and the delivery worker. Needs
 * QueuesModule consuming the `webhooks` queue. Events are written with `emitWebhookEvent(tx, …)`.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: { routes: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: options.routes ? [WebhooksController] : [],
      providers: [WebhooksRepository, WebhooksService, DeliveryQueue, DeliveryProcessor, OutboxDispatcher],
      exports: [DeliveryQueue],
    };
  }
}
