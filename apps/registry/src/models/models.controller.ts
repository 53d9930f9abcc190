import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  Idempotent,
  RequireScope,
  TeamCheckedInHandler,
  TeamResource,
  ZBody,
  ZParams,
  ZQuery,
  type Principal,
} from '@modelyard/platform';
import { CreateModelBody, ListModelsQuery, ModelPage, ModelResponse, UpdateModelBody } from '@modelyard/types';
import { ModelParams } from '../params.js';
import { ModelsService } from './models.service.js';

@Controller('v1/models')
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Post()
  @Idempotent()
  // The team, if any, is in the body: the service checks the caller's role there.
  @TeamCheckedInHandler()
  @ApiDoc({ summary: 'Register a model (optionally owned by a team)', response: ModelResponse, status: 201, tags: ['models'] })
  create(@ZBody(CreateModelBody) body: CreateModelBody, @CurrentPrincipal() who: Principal) {
    return this.models.createAs(body, who);
  }

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({
    summary: 'List the models the caller may read (filter by name prefix or tag; cursor pagination)',
    response: ModelPage,
    tags: ['models'],
  })
  list(@ZQuery(ListModelsQuery) query: ListModelsQuery, @CurrentPrincipal() who: Principal) {
    return this.models.list(query, who);
  }

  @Get(':name')
  @TeamResource()
  @ApiDoc({ summary: 'Get a model', response: ModelResponse, tags: ['models'] })
  get(@ZParams(ModelParams) params: ModelParams) {
    return this.models.get(params.name);
  }

  @Patch(':name')
  @TeamResource()
  @ApiDoc({
    summary: 'Change description, tags, owner, versioning, requiredApprovals, or transfer to a team',
    response: ModelResponse,
    tags: ['models'],
  })
  update(@ZParams(ModelParams) params: ModelParams, @ZBody(UpdateModelBody) body: UpdateModelBody, @CurrentPrincipal() who: Principal) {
    return this.models.updateAs(params.name, body, who);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequireScope('admin')
  @TeamResource()
  @ApiDoc({ summary: 'Delete a model and its versions (refused while one is in production)', status: 204, tags: ['models'] })
  delete(@ZParams(ModelParams) params: ModelParams, @CurrentPrincipal() who: Principal) {
    return this.models.delete(params.name, who.id);
  }
}
