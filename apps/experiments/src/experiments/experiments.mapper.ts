import type { Experiment as ExperimentTable, ExperimentGuardrail, ExperimentVariant } from '@modelyard/db';
import {
  BanditSettings,
  Conclusion,
  WeightPeriod,
  type AssignmentConfigResponse,
  type ExperimentResponse,
  type Variant,
} from '@modelyard/types';
import { z } from 'zod';
import { parseColumn } from '@modelyard/platform';
import type { Experiment, GuardrailDef, MetricKind } from './experiment.js';

/** An experiments_experiments row with its variants and guardrails (both ordered by position). */
export type ExperimentRow = ExperimentTable & { variants: ExperimentVariant[]; guardrails: ExperimentGuardrail[] };

/** The row as the domain type: the one place a row is read, its JSON column parsed here only. */
export function toExperiment(row: ExperimentRow): Experiment {
  const { variants, guardrails, primaryMetricName, primaryMetricKind, primaryMetricDirection, ...rest } = row;
  return {
    ...rest,
    variants: variants.map((v) => ({ key: v.key, version: v.version, weight: v.weight })),
    primaryMetric: { name: primaryMetricName, kind: primaryMetricKind, direction: primaryMetricDirection },
    guardrails: guardrails.map((g) => ({
      name: g.metric,
      kind: g.kind,
      direction: g.direction,
      maxRelativeDegradation: g.maxRelativeDegradation,
    })),
    conclusion: parseColumn(Conclusion.nullable(), row.conclusion, 'experiments_experiments.conclusion', row.id),
    bandit: parseColumn(BanditSettings.nullable(), row.bandit, 'experiments_experiments.bandit', row.id),
    weightPeriods: parseColumn(z.array(WeightPeriod), row.weightPeriods, 'experiments_experiments.weightPeriods', row.id),
  };
}

/** Variant rows to create, in the order given. */
export function toVariantRows(variants: Variant[]) {
  return variants.map((v, position) => ({ key: v.key, position, version: v.version, weight: v.weight }));
}

/** Guardrail rows to create, in the order given. */
export function toGuardrailRows(guardrails: GuardrailDef[]) {
  return guardrails.map((g, position) => ({
    position,
    metric: g.name,
    kind: g.kind,
    direction: g.direction,
    maxRelativeDegradation: g.maxRelativeDegradation,
  }));
}

export function toExperimentResponse(e: Experiment): ExperimentResponse {
  return {
    id: e.id,
    key: e.key,
    model: e.model,
    description: e.description,
    status: e.status,
    variants: e.variants,
    control: e.control,
    coverage: e.coverage,
    seed: e.seed,
    primaryMetric: e.primaryMetric,
    guardrails: e.guardrails,
    minSampleSize: e.minSampleSize,
    sequential: e.sequential,
    alpha: e.alpha,
    autoPromote: e.autoPromote,
    autoPromoteEnabledBy: e.autoPromoteEnabledBy,
    maxDurationHours: e.maxDurationHours,
    type: e.type,
    bandit: e.bandit,
    weightPeriods: e.weightPeriods,
    revision: e.revision,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    startedAt: e.startedAt?.toISOString() ?? null,
    endedAt: e.endedAt?.toISOString() ?? null,
    conclusion: e.conclusion,
  };
}

/** Everything an SDK needs to assign locally, exactly as the service does. */
export function toAssignmentConfig(e: Experiment): AssignmentConfigResponse {
  return {
    key: e.key,
    status: e.status,
    seed: e.seed,
    coverage: e.coverage,
    hashVersion: 2,
    variants: e.variants,
    revision: e.revision,
  };
}

/** Every metric the experiment measures (primary and guardrails), by name, with its kind. */
export function metricKinds(e: Pick<Experiment, 'primaryMetric' | 'guardrails'>): Map<string, MetricKind> {
  return new Map([e.primaryMetric, ...e.guardrails].map((m) => [m.name, m.kind]));
}
