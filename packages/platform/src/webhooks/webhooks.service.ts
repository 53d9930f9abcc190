import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateWebhookBody, CreatedWebhookResponse, ListDeliveriesQuery } from '@modelyard/types';
import { toPage } from '../http/pagination.js';
import { OutboundUrlPolicy } from '../outbound/outbound-url.policy.js';
import { DeliveryQueue } from './delivery-queue.js';
import { toDeliveryResponse, toWebhookResponse } from './webhooks.mapper.js';
import { WebhooksRepository } from './webhooks.repository.js';

@Injectable()
export class WebhooksService {
  constructor(
    @Inject(WebhooksRepository) private readonly repository: WebhooksRepository,
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
    @Inject(OutboundUrlPolicy) private readonly outbound: OutboundUrlPolicy,
  ) {}

  async create(body: CreateWebhookBody, actor: string): Promise<CreatedWebhookResponse> {
    this.outbound.assertAllowed(body.url, 'url');
    // 256 random bits, prefixed like Standard Webhooks secrets so scanners can spot a leaked one.
    const secret = body.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    const row = await this.repository.createSubscription({
      url: body.url,
      events: [...new Set(body.events)],
      secret,
      description: body.description ?? null,
      createdBy: actor,
    });
    return { ...toWebhookResponse(row), secret };
  }

  async list() {
    return { items: (await this.repository.listSubscriptions()).map(toWebhookResponse) };
  }

  async get(id: string) {
    return toWebhookResponse(await this.repository.getSubscription(id));
  }

  delete(id: string, actor: string) {
    return this.repository.deleteSubscription(id, actor);
  }

  async test(id: string, actor: string) {
    await this.repository.getSubscription(id);
    const delivery = await this.repository.createTestDelivery(id, actor);
    await this.queue.enqueue([delivery.id]);
    return toDeliveryResponse(delivery);
  }

  async deliveries(id: string, query: ListDeliveriesQuery) {
    const rows = await this.repository.listDeliveries(id, query);
    return toPage(rows, query.limit, toDeliveryResponse, (row) => row.id);
  }

  async redeliver(id: string, deliveryId: string) {
    const original = await this.repository.getDelivery(id, deliveryId);
    const delivery = await this.repository.redeliver(original);
    await this.queue.enqueue([delivery.id]);
    return toDeliveryResponse(delivery);
  }
}
