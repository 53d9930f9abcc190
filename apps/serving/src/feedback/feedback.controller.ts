import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, IngestionBody, RequireScope, ZBody, ZParams, TeamResource } from '@modelyard/platform';
import { FeedbackBody, FeedbackResponse } from '@modelyard/types';
import { ModelParams } from '../params.js';
import { FeedbackService } from './feedback.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models')
export class FeedbackController {
  constructor(@Inject(FeedbackService) private readonly feedback: FeedbackService) {}

  @IngestionBody()
  @Post(':name/feedback')
  @HttpCode(200)
  @RequireScope('write')
  @ApiDoc({
    summary: "Labels of earlier predictions (by prediction id, up to 10,000): to the model's drift monitors and learning pipelines",
    response: FeedbackResponse,
    tags: ['predict'],
  })
  send(@ZParams(ModelParams) params: ModelParams, @ZBody(FeedbackBody) body: FeedbackBody) {
    return this.feedback.feedback(params.name, body);
  }
}
