import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { AllowInMaintenance, ApiDoc, RequireScope, ZBody, ZParams, IngestionBody } from '@modelyard/platform';
import { acceptPredictBody, PredictBody, PredictResponse, ServedModelResponse, ServedModelsResponse } from '@modelyard/types';
import { ServedModels } from '../models/served-models.js';
import { ModelParams } from '../params.js';
import { PredictService } from './predict.service.js';

@Controller('v1/models')
export class PredictController {
  constructor(
    @Inject(PredictService) private readonly predictions: PredictService,
    @Inject(ServedModels) private readonly served: ServedModels,
  ) {}

  @IngestionBody()
  @Post(':name/predict')
  @HttpCode(200)
  // A prediction changes nothing: read-only keys may call it, and it keeps working in maintenance mode.
  @RequireScope('read')
  @AllowInMaintenance()
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
  @ApiDoc({
    summary: 'Models served: their production and alias versions, in memory or not, and load failures',
    response: ServedModelsResponse,
    tags: ['models'],
  })
  list() {
    return { items: this.served.list() };
  }

  @Get(':name')
  @ApiDoc({
    summary: 'One served model: its targets, versions and load failures',
    response: ServedModelResponse,
    tags: ['models'],
  })
  get(@ZParams(ModelParams) params: ModelParams) {
    return this.served.get(params.name);
  }
}
