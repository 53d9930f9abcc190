import { Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, Idempotent, ZBody, ZParams, ZQuery, type Principal, TeamResource } from '@modelyard/platform';
import { CompareQuery, CompareResponse, CreateVersionBody, ListVersionsQuery, VersionPage, VersionResponse } from '@modelyard/types';
import type { z } from 'zod';
import { ModelParams, VersionParams } from '../params.js';
import { VersionsService } from './versions.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name')
export class VersionsController {
  constructor(@Inject(VersionsService) private readonly versions: VersionsService) {}

  @Post('versions')
  @Idempotent()
  @ApiDoc({
    summary: 'Create a version (stage draft); the number is bumped when omitted',
    response: VersionResponse,
    status: 201,
    tags: ['versions'],
  })
  create(@ZParams(ModelParams) params: ModelParams, @ZBody(CreateVersionBody) body: CreateVersionBody, @CurrentPrincipal() who: Principal) {
    return this.versions.create(params.name, body, who.id);
  }

  @Get('versions')
  @ApiDoc({ summary: "List a model's versions, newest first (filter by stage or tag)", response: VersionPage, tags: ['versions'] })
  list(@ZParams(ModelParams) params: ModelParams, @ZQuery(ListVersionsQuery) query: ListVersionsQuery) {
    return this.versions.list(params.name, query);
  }

  @Get('versions/:version')
  @ApiDoc({ summary: 'Get a version', response: VersionResponse, tags: ['versions'] })
  get(@ZParams(VersionParams) params: VersionParams) {
    return this.versions.get(params.name, params.version);
  }

  @Get('production')
  @ApiDoc({ summary: 'The version in production', response: VersionResponse, tags: ['versions'] })
  production(@ZParams(ModelParams) params: ModelParams) {
    return this.versions.production(params.name);
  }

  @Get('compare')
  @ApiDoc({
    summary: 'Metrics of several versions side by side, with differences to the first',
    response: CompareResponse,
    tags: ['versions'],
  })
  compare(@ZParams(ModelParams) params: ModelParams, @ZQuery(CompareQuery) query: z.infer<typeof CompareQuery>) {
    return this.versions.compare(params.name, query.versions);
  }
}
