import type { Gate, GateResult } from '@modelyard/types';
import { evaluate, sameFamily, type LabelledSample, type PipelineModel } from './learner.js';

export interface ProductionModel {
  version: string;
  /** Null when its artifact is missing or is not a model this service can load. */
  model: PipelineModel | null;
}

/** Production in a gate decision: its metric on the held-out samples; null when its model could not be loaded. */
export interface ProductionScore {
  version: string;
  value: number | null;
}

/**
 * The validation gate's rule (TFX's "blessing"), on the metric of the candidate and of production,
 * both measured on the same held-out samples, which neither has learned. The candidate passes
 * unless it is worse than production by more than `tolerance` on `metric`. With no production
 * version there is nothing to be worse than, and the candidate passes; a production version whose
 * model cannot be loaded cannot be compared with, and the candidate is refused (a human decides).
 * A candidate whose metric is undefined (e.g. roc_auc over one class) is refused; an undefined
 * production metric gives nothing to be worse than.
 */
export function gateVerdict(gate: Gate, holdout: number, candidate: number, production: ProductionScore | null): GateResult {
  const { metric, direction, tolerance } = gate;
  const result = (passed: boolean, productionValue: number | null, reason: string): GateResult => ({
    metric,
    direction,
    tolerance,
    holdout,
    productionVersion: production?.version ?? null,
    candidate: Number.isFinite(candidate) ? candidate : null,
    production: productionValue,
    passed,
    reason,
  });
  if (!Number.isFinite(candidate)) {
    return result(false, null, `${metric} is undefined on the held-out samples (e.g. one class only)`);
  }
  if (!production) return result(true, null, 'no production version to compare with');
  if (production.value === null) {
    return result(false, null, `production version ${production.version} has no loadable model.json to compare with`);
  }
  const value = production.value;
  if (!Number.isFinite(value)) {
    return result(true, null, `${metric} of production is undefined on the held-out samples`);
  }
  const worseBy = direction === 'higher' ? value - candidate : candidate - value;
  const passed = worseBy <= tolerance;
  const verdict = passed ? 'passes' : 'refused';
  const values = `candidate ${metric} ${candidate.toFixed(6)} vs production ${value.toFixed(6)}`;
  return result(passed, value, `${verdict}: ${values} (tolerance ${tolerance})`);
}

/** Scores the candidate and production on the held-out samples and applies the gate's rule. */
export function runGate(
  gate: Gate,
  candidate: PipelineModel,
  holdout: readonly LabelledSample[],
  production: ProductionModel | null,
): GateResult {
  const score = (model: PipelineModel) => evaluate(model, gate.metric, holdout);
  // A production model of the other family (softmax vs linear) predicts other labels: not comparable.
  const comparable = production?.model && sameFamily(production.model, candidate) ? production.model : null;
  const productionScore = production && {
    version: production.version,
    value: comparable ? score(comparable) : null,
  };
  return gateVerdict(gate, holdout.length, score(candidate), productionScore);
}
