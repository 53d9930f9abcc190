import type { ArmSummary } from '@modelyard/stats';
import type { MetricSummary, ResultsResponse, Variant } from '@modelyard/types';
import type { GuardrailDef, MetricDef } from '../experiments/experiment.js';
import type { SliceStats } from './breakdowns.js';

const NO_UNITS: MetricSummary = { n: 0, sum: 0, sumSquares: 0 };

export interface ResultsInput {
  key: string;
  status: ResultsResponse['status'];
  variants: Variant[];
  control: string;
  primary: MetricDef;
  guardrails: GuardrailDef[];
  alpha: number;
  sequential: boolean;
  minSampleSize: number | null;
  /** By variant, then metric. */
  summaries: Record<string, Record<string, MetricSummary>>;
  /** The primary metric's statistics per dimension slice (absent: no breakdowns). */
  slices?: SliceStats;
  /** Shares the SRM check expects (a bandit's weights in force as units arrived); default: the weights. */
  expectedShares?: number[];
}

/** Mean and unbiased variance over n units from Σx and Σx². */
export function arm(s: MetricSummary): ArmSummary | null {
  if (s.n < 2) return null;
  const mean = s.sum / s.n;
  return { n: s.n, mean, variance: Math.max(0, (s.sumSquares - s.n * mean * mean) / (s.n - 1)) };
}

/** The statistics of one variant and metric (own properties only: keys are user-chosen names). */
export function summaryIn(summaries: ResultsInput['summaries'], variant: string, metric: string): MetricSummary {
  const byMetric = Object.hasOwn(summaries, variant) ? summaries[variant] : undefined;
  return (byMetric && Object.hasOwn(byMetric, metric) ? byMetric[metric] : undefined) ?? NO_UNITS;
}

export function summaryOf(input: ResultsInput, variant: string, metric: string): MetricSummary {
  return summaryIn(input.summaries, variant, metric);
}
