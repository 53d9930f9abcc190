import { Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  CreateWebhookBody,
  CreatedWebhookResponse,
  ListDeliveriesQuery,
  WebhookDeliveryPage,
  WebhookDeliveryResponse,
  WebhookResponse,
} from '@modelyard/types';
import { z } from 'zod';
import { CurrentPrincipal, RequireScope, type Principal } from '../auth/principal.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ZBody, ZParams, ZQuery } from '../validation/zod-validation.js';
import { WebhooksService } from './webhooks.service.js';

const WebhookParams = z.strictObject({ id: z.uuid() });
const DeliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() });
type WebhookParams = z.infer<typeof WebhookParams>;

/** Subscriptions hold signing secrets and send data to arbitrary URLs: admins only, reads included. */
@Controller('v1/webhooks')
@RequireScope('admin')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiDoc({
    summary: 'Subscribe a URL to events (the signing secret is shown only in this response)',
    response: CreatedWebhookResponse,
    status: 201,
    tags: ['webhooks'],
  })
  create(@ZBody(CreateWebhookBody) body: CreateWebhookBody, @CurrentPrincipal() who: Principal) {
    return this.webhooks.create(body, who.id);
  }

  @Get()
  @ApiDoc({ summary: 'List webhook subscriptions', response: z.object({ items: z.array(WebhookResponse) }), tags: ['webhooks'] })
  list() {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiDoc({ summary: 'Get a webhook subscription', response: WebhookResponse, tags: ['webhooks'] })
  get(@ZParams(WebhookParams) p: WebhookParams) {
    return this.webhooks.get(p.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc({ summary: 'Delete a subscription and its delivery log', status: 204, tags: ['webhooks'] })
  delete(@ZParams(WebhookParams) p: WebhookParams, @CurrentPrincipal() who: Principal) {
    return this.webhooks.delete(p.id, who.id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiDoc({ summary: 'Send a webhook.test event to this subscription', response: WebhookDeliveryResponse, status: 202, tags: ['webhooks'] })
  test(@ZParams(WebhookParams) p: WebhookParams, @CurrentPrincipal() who: Principal) {
    return this.webhooks.test(p.id, who.id);
  }

  @Get(':id/deliveries')
  @ApiDoc({ summary: 'Delivery log of a subscription, newest first', response: WebhookDeliveryPage, tags: ['webhooks'] })
  deliveries(@ZParams(WebhookParams) p: WebhookParams, @ZQuery(ListDeliveriesQuery) query: ListDeliveriesQuery) {
    return this.webhooks.deliveries(p.id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiDoc({
    summary: 'Send a delivered or failed event again (a new delivery of the same event)',
    response: WebhookDeliveryResponse,
    status: 202,
    tags: ['webhooks'],
  })
  redeliver(@ZParams(DeliveryParams) p: z.infer<typeof DeliveryParams>) {
    return this.webhooks.redeliver(p.id, p.deliveryId);
  }
}
