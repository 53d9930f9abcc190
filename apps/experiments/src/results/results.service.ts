import { Inject, Injectable } from '@nestjs/common';
import type { Experiment } from '@modelyard/db';
import type { ResultsResponse, Variant } from '@modelyard/types';
import { ExperimentsMetrics } from '../experiments/experiments.metrics.js';
import { metricKinds, toExperimentResponse } from '../experiments/experiments.mapper.js';
import { OutcomesStore } from '../outcomes/outcomes.store.js';
import { computeResults } from './results.calculator.js';

@Injectable()
export class ResultsService {
  constructor(
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(ExperimentsMetrics) private readonly metrics: ExperimentsMetrics,
  ) {}

  async of(row: Experiment): Promise<ResultsResponse> {
    const e = toExperimentResponse(row);
    const variants = e.variants as Variant[];
    const summaries = await this.store.summaries(row.id, variants.map((v) => v.key), [...metricKinds(row).keys()]);
    const results = computeResults({
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
    this.export(results);
    return results;
  }

  private export(results: ResultsResponse) {
    this.metrics.srmFlag.set({ experiment: results.experiment }, results.srm.flagged ? 1 : 0);
    for (const v of results.variants) {
      for (const [metric, m] of Object.entries(v.metrics)) {
        if (m.mean !== null) this.metrics.metric.set({ experiment: results.experiment, variant: v.key, metric }, m.mean);
      }
    }
  }
}
