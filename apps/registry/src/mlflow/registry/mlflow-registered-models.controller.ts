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
import { MlflowModelsService } from './mlflow-models.service.js';
import * as S from './registry.schemas.js';

type In<T extends z.ZodType> = z.infer<T>;

/** MLflow's registered models = our models (names follow our model-name rule). */
@Controller('api/2.0/mlflow/registered-models')
@UseFilters(MlflowErrorFilter)
export class MlflowRegisteredModelsController {
  constructor(@Inject(MlflowModelsService) private readonly models: MlflowModelsService) {}

  @Post('create')
  @HttpCode(200)
  @ApiDoc({ summary: 'MLflow: register a model', status: 200, tags: ['mlflow'] })
  create(@ZBody(S.CreateRegisteredModel) body: In<typeof S.CreateRegisteredModel>, @CurrentPrincipal() who: Principal) {
    return this.models.create(body, who);
  }

  @Get('get')
  @TeamResource('model', { from: 'query' })
  @ApiDoc({ summary: 'MLflow: get a registered model with its latest version per stage', tags: ['mlflow'] })
  get(@ZQuery(S.ModelByName) query: In<typeof S.ModelByName>) {
    return this.models.get(query.name);
  }

  @Post('rename')
  @HttpCode(200)
  @RequireScope('admin')
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: rename a registered model (admin)', status: 200, tags: ['mlflow'] })
  rename(@ZBody(S.RenameRegisteredModel) body: In<typeof S.RenameRegisteredModel>, @CurrentPrincipal() who: Principal) {
    return this.models.rename(body.name, body.new_name, who);
  }

  @Patch('update')
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: "MLflow: change a registered model's description", tags: ['mlflow'] })
  update(@ZBody(S.UpdateRegisteredModel) body: In<typeof S.UpdateRegisteredModel>, @CurrentPrincipal() who: Principal) {
    return this.models.update(body.name, body.description, who);
  }

  @Delete('delete')
  @RequireScope('admin')
  @TeamResource('model', { from: 'bodyOrQuery' })
  @ApiDoc({ summary: 'MLflow: delete a registered model and its versions (admin; refused while one is in production)', tags: ['mlflow'] })
  delete(@ZBodyOrQuery(S.ModelByName) body: In<typeof S.ModelByName>, @CurrentPrincipal() who: Principal) {
    return this.models.delete(body.name, who);
  }

  @Get('search')
  @TeamCheckedInHandler()
  @ApiDoc({ summary: 'MLflow: search registered models', tags: ['mlflow'] })
  search(@ZQuery(S.SearchRegisteredModels) query: In<typeof S.SearchRegisteredModels>, @CurrentPrincipal() who: Principal) {
    return this.models.search(query, who);
  }

  @Post('search')
  @TeamCheckedInHandler()
  @HttpCode(200)
  @RequireScope('read')
  @ApiDoc({ summary: 'MLflow: search registered models (JSON body form)', status: 200, tags: ['mlflow'] })
  searchPost(@ZBody(S.SearchRegisteredModels) body: In<typeof S.SearchRegisteredModels>, @CurrentPrincipal() who: Principal) {
    return this.models.search(body, who);
  }

  @Post('get-latest-versions')
  @HttpCode(200)
  @RequireScope('read')
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: the newest version in each stage', status: 200, tags: ['mlflow'] })
  latest(@ZBody(S.GetLatestVersions) body: In<typeof S.GetLatestVersions>) {
    return this.models.latestVersions(body.name, body.stages);
  }

  @Get('get-latest-versions')
  @TeamResource('model', { from: 'query' })
  @ApiDoc({ summary: 'MLflow: the newest version in each stage (query string form)', tags: ['mlflow'] })
  latestGet(@ZQuery(S.GetLatestVersions) query: In<typeof S.GetLatestVersions>) {
    return this.models.latestVersions(query.name, query.stages);
  }

  @Post('set-tag')
  @HttpCode(200)
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: set a key/value tag on a registered model', status: 200, tags: ['mlflow'] })
  setTag(@ZBody(S.ModelTag) body: In<typeof S.ModelTag>, @CurrentPrincipal() who: Principal) {
    return this.models.setTag(body.name, { key: body.key, value: body.value }, who);
  }

  @Delete('delete-tag')
  @TeamResource('model', { from: 'bodyOrQuery' })
  @ApiDoc({ summary: 'MLflow: delete a tag of a registered model', tags: ['mlflow'] })
  deleteTag(@ZBodyOrQuery(S.ModelTagKey) body: In<typeof S.ModelTagKey>, @CurrentPrincipal() who: Principal) {
    return this.models.deleteTag(body.name, body.key, who);
  }

  @Post('alias')
  @HttpCode(200)
  @TeamResource('model', { from: 'body' })
  @ApiDoc({ summary: 'MLflow: point an alias at a version', status: 200, tags: ['mlflow'] })
  setAlias(@ZBody(S.SetAlias) body: In<typeof S.SetAlias>, @CurrentPrincipal() who: Principal) {
    return this.models.setAlias(body.name, body.alias, body.version, who);
  }

  @Delete('alias')
  @TeamResource('model', { from: 'bodyOrQuery' })
  @ApiDoc({ summary: 'MLflow: remove an alias', tags: ['mlflow'] })
  deleteAlias(@ZBodyOrQuery(S.AliasRef) body: In<typeof S.AliasRef>, @CurrentPrincipal() who: Principal) {
    return this.models.deleteAlias(body.name, body.alias, who);
  }

  @Get('alias')
  @TeamResource('model', { from: 'query' })
  @ApiDoc({ summary: 'MLflow: the version an alias points at', tags: ['mlflow'] })
  byAlias(@ZQuery(S.AliasRef) query: In<typeof S.AliasRef>) {
    return this.models.byAlias(query.name, query.alias);
  }
}
