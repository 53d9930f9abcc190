import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, ZParams, TeamResource } from '@modelyard/platform';
import { DashboardResponse, safeString } from '@modelyard/types';
import { z } from 'zod';
import { DashboardService } from './dashboard.service.js';

const ModelParams = z.strictObject({ model: safeString().min(1).max(128) });

@Controller('v1/dashboard')
export class DashboardController {
  constructor(@Inject(DashboardService) private readonly dashboard: DashboardService) {}

  @Get(':model')
  @TeamResource('model', { field: 'model' })
  @ApiDoc({
    summary: "A model's health, totals, hourly trend, active alerts and latest drift verdicts",
    response: DashboardResponse,
    tags: ['dashboard'],
  })
  get(@ZParams(ModelParams) p: z.infer<typeof ModelParams>) {
    return this.dashboard.of(p.model);
  }
}
