import { Inject, Injectable } from '@nestjs/common';
import type { Experiment } from '@modelyard/db';
import type { ResultsResponse, Variant } from '@modelyard/types';
import { metricKinds, toExperimentResponse } from '../experiments/experiments.mapper.js';
import { OutcomesStore } from '../outcomes/outcomes.store.js';
import { computeResults } from './results.calculator.js';

@Injectable()
export class ResultsService {
  constructor(@Inject(OutcomesStore) private readonly store: OutcomesStore) {}

  async of(row: Experiment): Promise<ResultsResponse> {
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
