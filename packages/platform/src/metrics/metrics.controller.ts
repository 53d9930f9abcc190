import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../auth/principal.js';
import { SkipRateLimit } from '../rate-limit/rate-limit.guard.js';
import { MetricsService } from './metrics.service.js';

@Controller('metrics')
@Public()
@SkipRateLimit()
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape() {
    return this.metrics.registry.metrics();
  }
}
