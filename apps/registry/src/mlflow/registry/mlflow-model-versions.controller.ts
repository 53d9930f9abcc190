import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, UseFilters } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  RequireScope,
  TeamResource,
  ZBody,
  ZQuery,
  type Principal,
  TeamCheckedInHandler,
} from '@modelyard/platform';
import type { z } from 'zod';
import { MlflowErrorFilter } from '../mlflow-error.filter.js';
import { ZBodyOrQuery } from './body-or-query.js';
import { MlflowVersionsService } from './mlflow-versions.service.js';
import * as S from './registry.schemas.js';

type In<T extends z.ZodType> = z.infer<T>;

/** MLflow's model versions = our versions, addressed by their per-model integer number. */
@Controller('api/2.0/mlflow/model-versions')
@UseFilters(MlflowErrorFilter)
export class MlflowModelVersionsController {
  constructor(@Inject(MlflowVersionsService) private readonly versions: MlflowVersionsService) {}

  @Post('create')
  @HttpCode(200)
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: create a version from runs:/<run>/<path> or an artifact URI', status: 200, tags: ['mlflow'] })
  create(@ZBody(S.CreateModelVersion) body: In<typeof S.CreateModelVersion>, @CurrentPrincipal() who: Principal) {
    return this.versions.create(body, who);
  }

  @Get('get')
  @TeamResource('model', { from: 'query' })
  @ApiDoc({ summary: 'MLflow: get a model version', tags: ['mlflow'] })
  get(@ZQuery(S.VersionRef) query: In<typeof S.VersionRef>) {
    return this.versions.get(query.name, query.version);
  }

  @Patch('update')
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: "MLflow: change a version's description", tags: ['mlflow'] })
  update(@ZBody(S.UpdateModelVersion) body: In<typeof S.UpdateModelVersion>, @CurrentPrincipal() who: Principal) {
    return this.versions.update(body.name, body.version, body.description, who);
  }

  @Delete('delete')
  @RequireScope('admin')
  @TeamResource('model', { from: 'bodyOrQuery' })
  @ApiDoc({ summary: 'MLflow: delete a version (admin; refused while it is in production)', tags: ['mlflow'] })
  delete(@ZBodyOrQuery(S.VersionRef) body: In<typeof S.VersionRef>, @CurrentPrincipal() who: Principal) {
    return this.versions.delete(body.name, body.version, who);
  }

  @Get('search')
  @TeamCheckedInHandler()
  @ApiDoc({ summary: 'MLflow: search model versions', tags: ['mlflow'] })
  search(@ZQuery(S.SearchModelVersions) query: In<typeof S.SearchModelVersions>, @CurrentPrincipal() who: Principal) {
    return this.versions.search(query, who);
  }

  @Post('search')
  @TeamCheckedInHandler()
  @HttpCode(200)
  @RequireScope('read')
  @ApiDoc({ summary: 'MLflow: search model versions (JSON body form)', status: 200, tags: ['mlflow'] })
  searchPost(@ZBody(S.SearchModelVersions) body: In<typeof S.SearchModelVersions>, @CurrentPrincipal() who: Principal) {
    return this.versions.search(body, who);
  }

  @Post('transition-stage')
  @HttpCode(200)
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: move a version to None, Staging, Production (admin) or Archived', status: 200, tags: ['mlflow'] })
  transition(@ZBody(S.TransitionStage) body: In<typeof S.TransitionStage>, @CurrentPrincipal() who: Principal) {
    return this.versions.transition(body, who);
  }

  @Get('get-download-uri')
  @TeamResource('model', { from: 'query' })
  @ApiDoc({ summary: "MLflow: where a version's files can be downloaded", tags: ['mlflow'] })
  downloadUri(@ZQuery(S.VersionRef) query: In<typeof S.VersionRef>) {
    return this.versions.downloadUri(query.name, query.version);
  }

  @Post('set-tag')
  @HttpCode(200)
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: set a key/value tag on a version', status: 200, tags: ['mlflow'] })
  setTag(@ZBody(S.VersionTag) body: In<typeof S.VersionTag>, @CurrentPrincipal() who: Principal) {
    return this.versions.setTag(body.name, body.version, { key: body.key, value: body.value }, who);
  }

  @Delete('delete-tag')
  @TeamResource('model', { from: 'bodyOrQuery' })
  @ApiDoc({ summary: 'MLflow: delete a tag of a version', tags: ['mlflow'] })
  deleteTag(@ZBodyOrQuery(S.VersionTagKey) body: In<typeof S.VersionTagKey>, @CurrentPrincipal() who: Principal) {
    return this.versions.deleteTag(body.name, body.version, body.key, who);
  }
}
