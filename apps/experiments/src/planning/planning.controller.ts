import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiDoc, RequireScope, ZBody, TeamCheckedInHandler } from '@modelyard/platform';
import { PlanBody, PlanResponse } from '@modelyard/types';
import { plan } from './plan.js';

@Controller('v1/experiments/plan')
export class PlanningController {
  @Post()
  // A calculation on the numbers sent, about no model: any team member may use it too.
  @TeamCheckedInHandler()
  @HttpCode(200)
  // A calculation that changes nothing: reading rights are enough.
  @RequireScope('read')
  @ApiDoc({
    summary: 'Plan an experiment: units per variant (and days) to detect a minimum effect, fixed and sequential',
    response: PlanResponse,
    tags: ['planning'],
  })
  plan(@ZBody(PlanBody) body: PlanBody): PlanResponse {
    return plan(body);
  }
}
