import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, Idempotent, RequireScope, ZBody, ZParams, ZQuery, type Principal } from '@modelyard/platform';
import { CreateModelBody, ListModelsQuery, ModelPage, ModelResponse, UpdateModelBody } from '@modelyard/types';
import { ModelParams } from '../params.js';
import { ModelsService } from './models.service.js';

@Controller('v1/models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Post()
  @Idempotent()
  @ApiDoc({ summary: 'Register a model', response: ModelResponse, status: 201, tags: ['models'] })
  create(@ZBody(CreateModelBody) body: CreateModelBody, @CurrentPrincipal() who: Principal) {
    return this.models.create(body, who.id);
  }

  @Get()
  @ApiDoc({ summary: 'List models (filter by name prefix or tag; cursor pagination)', response: ModelPage, tags: ['models'] })
  list(@ZQuery(ListModelsQuery) query: ListModelsQuery) {
    return this.models.list(query);
  }

  @Get(':name')
  @ApiDoc({ summary: 'Get a model', response: ModelResponse, tags: ['models'] })
  get(@ZParams(ModelParams) params: ModelParams) {
    return this.models.get(params.name);
  }

  @Patch(':name')
  @ApiDoc({ summary: 'Change description, tags, owner, versioning or requiredApprovals', response: ModelResponse, tags: ['models'] })
  update(@ZParams(ModelParams) params: ModelParams, @ZBody(UpdateModelBody) body: UpdateModelBody, @CurrentPrincipal() who: Principal) {
    return this.models.update(params.name, body, who.id);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireScope('admin')
  @ApiDoc({ summary: 'Delete a model and its versions (refused while one is in production)', status: 204, tags: ['models'] })
  delete(@ZParams(ModelParams) params: ModelParams, @CurrentPrincipal() who: Principal) {
    return this.models.delete(params.name, who.id);
  }
}
