import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  AllowInMaintenance,
  ApiDoc,
  RequireScope,
  ZBody,
  ZParams,
  IngestionBody,
  CurrentPrincipal,
  TeamAccess,
  TeamCheckedInHandler,
  TeamResource,
  modelVisible,
  type Principal,
} from '@modelyard/platform';
import { acceptPredictBody, PredictBody, PredictResponse, ServedModelResponse, ServedModelsResponse } from '@modelyard/types';
import { ServedModels } from '../models/served-models.js';
import { ModelParams } from '../params.js';
import { PredictService } from './predict.service.js';

@Controller('v1/models')
export class PredictController {
  constructor(
    @Inject(PredictService) private readonly predictions: PredictService,
    @Inject(ServedModels) private readonly served: ServedModels,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
  ) {}

  @IngestionBody()
  @Post(':name/predict')
  @HttpCode(200)
  // A prediction changes nothing: read-only keys may call it, and it keeps working in maintenance mode.
  @RequireScope('read')
  @AllowInMaintenance()
  // PredictRoute makes this check itself (the guard does not run on its fast path).
  @TeamResource()
  @ApiDoc({
    summary:
      "Predict up to 10,000 instances with the production version, a version or alias (target), or the unit's experiment variant " +
      '(unit: the variant the experiments service assigns it, sticky; its exposure is recorded)',
    response: PredictResponse,
    tags: ['predict'],
  })
  // Declares the route (body limit, scope, OpenAPI); PredictRoute answers it without Nest's pipeline.
  predict(@ZParams(ModelParams) params: ModelParams, @ZBody(PredictBody, acceptPredictBody) body: PredictBody) {
    return this.predictions.predict(params.name, body);
  }

  @Get()
  @TeamCheckedInHandler()
  @ApiDoc({
    summary: 'Models served that the caller may read: their production and alias versions, in memory or not, and load failures',
    response: ServedModelsResponse,
    tags: ['models'],
  })
  async list(@CurrentPrincipal() who: Principal) {
    const readable = await this.teams.readableModels(who);
    return { items: this.served.list().filter((m) => modelVisible(readable, m.model)) };
  }

  @Get(':name')
  @TeamResource()
  @ApiDoc({
    summary: 'One served model: its targets, versions and load failures',
    response: ServedModelResponse,
    tags: ['models'],
  })
  get(@ZParams(ModelParams) params: ModelParams) {
    return this.served.get(params.name);
  }
}
