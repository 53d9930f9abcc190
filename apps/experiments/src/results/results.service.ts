import { Inject, Injectable } from '@nestjs/common';
import type { MetricSummary, ResultsHistoryResponse, ResultsResponse } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import { ExperimentsMetrics } from '../experiments/experiments.metrics.js';
import { metricKinds } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { StatsHistoryRepository } from '../outcomes/stats-history.repository.js';
import { OutcomesStore, summaryFrom } from '../outcomes/outcomes.store.js';
import type { StatValue } from '../outcomes/stats-snapshot.js';
import { expectedShares, periodUnits } from '../bandit/weight-periods.js';
import { sliceStatsOf, type SliceStats } from './breakdowns.js';
import { summaryIn } from './results-input.js';
import { computeResults } from './results.calculator.js';

/** Points in a results history answer: the newest ones (rows are spaced by growth, so few). */
export const HISTORY_POINTS = 500;

type Summaries = Record<string, Record<string, MetricSummary>>;

/** A stored snapshot as the calculator's summaries (missing statistics count 0, as live ones do). */
export function summariesOf(stats: StatValue[], variants: string[], metrics: string[]): Summaries {
  const values = new Map(stats.map((s) => [`${s.variant}|${s.metric}`, s.value]));
  const get = (key: string) => values.get(key) ?? 0;
  return Object.fromEntries(
    variants.map((v) => [
      v,
      Object.fromEntries(metrics.map((m) => [m, summaryFrom(get(`${v}|`), (suffix) => get(`${v}|${m}|${suffix}`))])),
    ]),
  );
}

/** Units per variant, in variant order (the primary metric's counts). */
function unitsOf(e: Experiment, summaries: Summaries): number[] {
  return e.variants.map((v) => summaryIn(summaries, v.key, e.primaryMetric.name).n);
}

function banditView(e: Experiment, unitsNow: number[]): NonNullable<ResultsResponse['bandit']> {
  const units = periodUnits(e.weightPeriods, unitsNow);
  return {
    weights: e.variants.map((v) => v.weight),
    periods: e.weightPeriods.map((p, i) => ({ from: p.from, weights: p.weights, units: units[i]! })),
  };
}

@Injectable()
export class ResultsService {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(ExperimentsMetrics) private readonly metrics: ExperimentsMetrics,
    @Inject(StatsHistoryRepository) private readonly history: StatsHistoryRepository,
  ) {}

  /** The comparisons at each stored snapshot, oldest first (the tick writes them: stats-history.ts). */
  async historyOf(key: string): Promise<ResultsHistoryResponse> {
    const e = await this.experiments.get(key);
    const variants = e.variants.map((v) => v.key);
    const metrics = [...metricKinds(e).keys()];
    const rows = await this.history.list(e.id, HISTORY_POINTS);
    const points = rows.map((row) => {
      const results = this.compute(e, summariesOf(row.stats, variants, metrics));
      return {
        at: row.at.toISOString(),
        units: results.variants.map((v) => ({ variant: v.key, units: v.units })),
        comparisons: results.comparisons,
      };
    });
    return { experiment: e.key, points };
  }

  async get(key: string): Promise<ResultsResponse> {
    return this.of(await this.experiments.get(key));
  }

  async of(e: Experiment): Promise<ResultsResponse> {
    const variants = e.variants.map((v) => v.key);
    const [summaries, sliceSums] = await Promise.all([
      this.store.summaries(e.id, variants, [...metricKinds(e).keys()]),
      this.store.sliceSums(e.id),
    ]);
    const results = this.compute(e, summaries, sliceStatsOf(sliceSums, e.primaryMetric.name));
    this.export(results);
    return results;
  }

  private compute(e: Experiment, summaries: Summaries, slices?: SliceStats): ResultsResponse {
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
      slices,
      ...(e.type === 'bandit' ? { expectedShares: this.banditShares(e, summaries) } : {}),
    });
    return e.type === 'bandit' ? { ...results, bandit: banditView(e, unitsOf(e, summaries)) } : results;
  }

  private banditShares(e: Experiment, summaries: Summaries): number[] {
    return expectedShares(
      e.variants.map(() => 1),
      e.weightPeriods,
      unitsOf(e, summaries),
    );
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
