import {
  ApiKeyResponse,
  CreatedApiKeyResponse,
  CreatedWebhookResponse,
  WebhookDeliveryPage,
  WebhookDeliveryResponse,
  WebhookResponse,
  type CreateApiKeyBody,
  type CreateWebhookBody,
  type ListDeliveriesQuery,
} from '@modelyard/types';
import { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { path } from '../http/path.js';

/** API keys (admin). The secret is in the creation response only. */
export class ApiKeysClient {
  constructor(private readonly http: HttpClient) {}

  create(body: CreateApiKeyBody) {
    return this.http.json('POST', '/v1/api-keys', CreatedApiKeyResponse, { body });
  }
  list() {
    return this.http.json('GET', '/v1/api-keys', z.object({ items: z.array(ApiKeyResponse) }));
  }
  /** Revoking twice is harmless, so the call is retried like a GET. */
  revoke(id: string) {
    return this.http.json('DELETE', path`/v1/api-keys/${id}`, ApiKeyResponse);
  }
}

/** Webhook subscriptions (admin). */
export class WebhooksClient {
  constructor(private readonly http: HttpClient) {}

  create(body: CreateWebhookBody) {
    return this.http.json('POST', '/v1/webhooks', CreatedWebhookResponse, { body });
  }
  list() {
    return this.http.json('GET', '/v1/webhooks', z.object({ items: z.array(WebhookResponse) }));
  }
  get(id: string) {
    return this.http.json('GET', path`/v1/webhooks/${id}`, WebhookResponse);
  }
  async delete(id: string): Promise<void> {
    await this.http.json('DELETE', path`/v1/webhooks/${id}`, z.unknown());
  }
  test(id: string) {
    return this.http.json('POST', path`/v1/webhooks/${id}/test`, WebhookDeliveryResponse);
  }
  deliveries(id: string, query: Partial<ListDeliveriesQuery> = {}) {
    return this.http.json('GET', path`/v1/webhooks/${id}/deliveries`, WebhookDeliveryPage, { query });
  }
  redeliver(id: string, deliveryId: string) {
    return this.http.json('POST', path`/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`, WebhookDeliveryResponse);
  }
}
