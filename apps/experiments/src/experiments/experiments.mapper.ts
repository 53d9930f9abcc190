import type { Experiment } from '@modelyard/db';
import type { ExperimentResponse, Variant } from '@modelyard/types';

export function variantsOf(row: Pick<Experiment, 'variants'>): Variant[] {
  return row.variants as Variant[];
}

export function toExperimentResponse(row: Experiment): ExperimentResponse {
  return {
    id: row.id,
    key: row.key,
    model: row.model,
    description: row.description,
    status: row.status,
    variants: variantsOf(row),
    control: row.control,
    coverage: row.coverage,
    seed: row.seed,
    primaryMetric: row.primaryMetric as ExperimentResponse['primaryMetric'],
    guardrails: row.guardrails as ExperimentResponse['guardrails'],
    minSampleSize: row.minSampleSize,
    sequential: row.sequential,
    alpha: row.alpha,
    autoPromote: row.autoPromote,
    autoPromoteEnabledBy: row.autoPromoteEnabledBy,
    maxDurationHours: row.maxDurationHours,
    revision: row.revision,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    conclusion: (row.conclusion ?? null) as ExperimentResponse['conclusion'],
  };
}

/** Every metric the experiment measures (primary and guardrails), by name, with its kind. */
export function metricKinds(row: Pick<Experiment, 'primaryMetric' | 'guardrails'>): Map<string, 'binomial' | 'continuous'> {
  const primary = row.primaryMetric as ExperimentResponse['primaryMetric'];
  const guardrails = row.guardrails as ExperimentResponse['guardrails'];
  return new Map([[primary.name, primary.kind], ...guardrails.map((g) => [g.name, g.kind] as const)]);
}
