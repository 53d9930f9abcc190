import { Controller, Get, Inject } from '@nestjs/common';
import { ApiDoc, ZParams } from '@modelyard/platform';
import { ResultsResponse, type Variant } from '@modelyard/types';
import { KeyParams } from '../experiments/experiments.controller.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { metricKinds, toExperimentResponse } from '../experiments/experiments.mapper.js';
import { OutcomesStore } from '../outcomes/outcomes.store.js';
import { computeResults } from './results.calculator.js';

@Controller('v1/experiments/:key/results')
export class ResultsController {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
  ) {}

  @Get()
  @ApiDoc({ summary: 'Per-variant results, lifts, p-values (sequential when on), SRM, guardrails and a recommendation', response: ResultsResponse, tags: ['results'] })
  async results(@ZParams(KeyParams) p: KeyParams) {
    const row = await this.experiments.get(p.key);
    const e = toExperimentResponse(row);
    const variants = e.variants as Variant[];
    const summaries = await this.store.summaries(row.id, variants.map((v) => v.key), [...metricKinds(row).keys()]);
    return computeResults({
      key: e.key,
      status: e.status,
      variants,
      control: e.control,
      primary: e.primaryMetric,
      guardrails: e.guardrails,
      alpha: e.alpha,
      sequential: e.sequential,
      minSampleSize: e.minSampleSize,
      summaries,
    });
  }
}
