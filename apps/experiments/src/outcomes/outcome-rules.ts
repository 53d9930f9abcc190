import type { FieldError } from '@modelyard/platform';
import type { AssignmentResponse } from '@modelyard/types';
import type { MetricKind } from '../experiments/experiment.js';
import type { Outcome } from './outcomes.store.js';

/** An exposure (no metric) or an event, as the batch gave it. */
export interface OutcomeRow {
  unit: string;
  variant?: string;
  metric?: string;
  value?: number;
  /** An event: `value` is the unit's pre-experiment covariate for `metric` (CUPED). */
  covariate?: boolean;
  /** An exposure: pre-experiment covariates by metric. */
  covariates?: Record<string, number>;
  /** An exposure: the unit's dimension attributes (read at its first exposure only). */
  dimensions?: Record<string, string>;
}

/** An exposure's covariates as (metric, value) pairs: own keys only, in the order given. */
const covariatesOf = (r: OutcomeRow): [string, number][] => Object.entries(r.covariates ?? {});

/** The batch's field the rows came in: errors name `<field>.<row>.<column>`. */
export type BatchField = 'exposures' | 'events';

/** Rows naming a metric the experiment does not measure, or a binomial value other than 0 or 1. */
export function metricIssues(field: BatchField, rows: OutcomeRow[], kinds: ReadonlyMap<string, MetricKind>): FieldError[] {
  const issue = (i: number, column: string, message: string): FieldError[] => [{ field: `${field}.${i}.${column}`, in: 'body', message }];
  return rows.flatMap((r, i): FieldError[] => {
    const covariates = covariatesOf(r).flatMap(([metric]) =>
      kinds.has(metric) ? [] : issue(i, `covariates.${metric}`, `'${metric}' is not a metric of this experiment`),
    );
    if (r.metric === undefined) return covariates;
    const kind = kinds.get(r.metric);
    if (!kind) return issue(i, 'metric', `'${r.metric}' is not a metric of this experiment`);
    const binary = r.value === 0 || r.value === 1;
    // A covariate is a pre-period summary (a rate, a count): any number, whatever the metric's kind.
    return kind === 'binomial' && !binary && !r.covariate ? issue(i, 'value', 'a binomial metric takes 0 or 1') : [];
  });
}

export interface AssignedBatch {
  outcomes: Outcome[];
  /** Rows of units outside the experiment (coverage): not counted, not an error. */
  ignored: number;
  /** Rows naming a variant other than their unit's. */
  errors: FieldError[];
}

/** The rows as outcomes of the units' assigned variants (`assigned`: every unit of the rows). */
export function assignOutcomes(
  field: BatchField,
  rows: OutcomeRow[],
  assigned: ReadonlyMap<string, AssignmentResponse>,
  kinds: ReadonlyMap<string, MetricKind>,
): AssignedBatch {
  const batch: AssignedBatch = { outcomes: [], ignored: 0, errors: [] };
  rows.forEach((r, i) => {
    const variant = assigned.get(r.unit)?.variant;
    if (!variant) {
      batch.ignored++;
    } else if (r.variant && r.variant !== variant) {
      batch.errors.push({
        field: `${field}.${i}.variant`,
        in: 'body',
        message: `unit '${r.unit}' is assigned to '${variant}'`,
      });
    } else {
      const metric = r.metric ?? '';
      batch.outcomes.push({
        unit: r.unit,
        variant,
        metric,
        value: r.value ?? 0,
        binary: kinds.get(metric) === 'binomial',
        ...(r.covariate ? { covariate: true } : {}),
        ...(r.dimensions ? { dimensions: Object.entries(r.dimensions) } : {}),
      });
      for (const [m, value] of covariatesOf(r)) {
        batch.outcomes.push({ unit: r.unit, variant, metric: m, value, binary: false, covariate: true });
      }
    }
  });
  return batch;
}
