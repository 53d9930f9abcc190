import { Inject, Injectable } from '@nestjs/common';
import type { ResultsResponse } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import { ExperimentsMetrics } from '../experiments/experiments.metrics.js';
import { metricKinds } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { OutcomesStore } from '../outcomes/outcomes.store.js';
import { computeResults } from './results.calculator.js';

@Injectable()
export class ResultsService {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(ExperimentsMetrics) private readonly metrics: ExperimentsMetrics,
  ) {}

  async get(key: string): Promise<ResultsResponse> {
    return this.of(await this.experiments.get(key));
  }

  async of(e: Experiment): Promise<ResultsResponse> {
    const variants = e.variants.map((v) => v.key);
    const summaries = await this.store.summaries(e.id, variants, [...metricKinds(e).keys()]);
    const results = computeResults({
      key: e.key,
      status: e.status,
      variants: e.variants,
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
    const experiment = results.experiment;
    this.metrics.srmFlag.set({ experiment }, results.srm.flagged ? 1 : 0);
    for (const v of results.variants) {
      for (const [metric, m] of Object.entries(v.metrics)) {
        if (m.mean !== null) this.metrics.metric.set({ experiment, variant: v.key, metric }, m.mean);
      }
    }
  }
}
