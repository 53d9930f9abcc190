import type { FeatureRecord, LinearModel, MetricName } from '@modelyard/learners';
import type { Gate, GateResult } from '@modelyard/types';
import { evaluate } from './learner.js';

export interface ProductionModel {
  version: string;
  /** Null when its artifact is missing or is not a model this service can load. */
  model: LinearModel | null;
}

/**
 * The validation gate (TFX's "blessing"): the candidate and the production model are scored on the
 * same held-out samples, which neither has learned. The candidate passes unless it is worse than
 * production by more than `tolerance` on `metric`. With no production version there is nothing to
 * be worse than, and the candidate passes; a production version whose model cannot be loaded
 * cannot be compared with, and the candidate is refused (a human decides).
 */
export function runGate(gate: Gate, candidate: LinearModel, holdout: readonly { x: FeatureRecord; y: number }[], production: ProductionModel | null): GateResult {
  const metric = gate.metric as MetricName;
  const candidateValue = evaluate(candidate, metric, holdout);
  const base = { metric: gate.metric, direction: gate.direction, tolerance: gate.tolerance, holdout: holdout.length, productionVersion: production?.version ?? null };
  const result = (passed: boolean, productionValue: number | null, reason: string): GateResult => ({
    ...base,
    candidate: Number.isFinite(candidateValue) ? candidateValue : null,
    production: productionValue,
    passed,
    reason,
  });
  if (!Number.isFinite(candidateValue)) return result(false, null, `${metric} is undefined on the held-out samples (e.g. one class only)`);
  if (!production) return result(true, null, 'no production version to compare with');
  if (!production.model) return result(false, null, `production version ${production.version} has no loadable model.json to compare with`);
  const productionValue = evaluate(production.model, metric, holdout);
  if (!Number.isFinite(productionValue)) return result(true, null, `${metric} of production is undefined on the held-out samples`);
  const worseBy = gate.direction === 'higher' ? productionValue - candidateValue : candidateValue - productionValue;
  const passed = worseBy <= gate.tolerance;
  const verdict = passed ? 'passes' : 'refused';
  return result(passed, productionValue, `${verdict}: candidate ${metric} ${candidateValue.toFixed(6)} vs production ${productionValue.toFixed(6)} (tolerance ${gate.tolerance})`);
}
