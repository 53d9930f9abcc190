import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiKeyResponse, CreateApiKeyBody, CreatedApiKeyResponse } from '@modelyard/types';
import { z } from 'zod';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ZBody, ZParams } from '../validation/zod-validation.js';
import { ApiKeysService } from './api-keys.service.js';
import { CurrentPrincipal, RequireScope, type Principal } from './principal.js';

const KeyParams = z.strictObject({ id: z.uuid() });

@Controller('v1/api-keys')
@RequireScope('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiDoc({
    summary: 'Create an API key (the secret is shown only in this response)',
    response: CreatedApiKeyResponse,
    status: 201,
    tags: ['auth'],
  })
  create(@ZBody(CreateApiKeyBody) body: CreateApiKeyBody, @CurrentPrincipal() who: Principal) {
    return this.keys.create(body, who.id);
  }

  @Get()
  @ApiDoc({ summary: 'List API keys (never their secrets)', response: z.object({ items: z.array(ApiKeyResponse) }), tags: ['auth'] })
  async list() {
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiDoc({ summary: 'Revoke an API key', response: ApiKeyResponse, tags: ['auth'] })
  revoke(@ZParams(KeyParams) params: z.infer<typeof KeyParams>, @CurrentPrincipal() who: Principal) {
    return this.keys.revoke(params.id, who.id);
  }
}
