import type { CompleteJobBody, Gate, GateResult } from '@modelyard/types';
import { gateVerdict, type ProductionModel, type ProductionScore } from '../updates/gate.js';
import { evaluate, type LabelledSample } from '../updates/learner.js';

/**
 * The gate of an external update: the same rule as a built-in one (gate.ts), on the held-out
 * samples the job named. The candidate's value is the one the worker measured (only it can run its
 * model). Production is scored here when its model.json loads and the held-out samples are still
 * buffered, as for a built-in update; otherwise the worker's `productionMetrics` stand in, and
 * without them production cannot be compared with and the candidate is refused (a human decides).
 */
export function externalGate(
  gate: Gate,
  body: Pick<CompleteJobBody, 'metrics' | 'productionMetrics'>,
  holdout: { count: number; samples: readonly LabelledSample[] | null },
  production: ProductionModel | null,
): GateResult {
  const candidate = body.metrics[gate.metric];
  if (candidate === undefined) throw new TypeError(`metrics.${gate.metric} is required`);
  return gateVerdict(gate, holdout.count, candidate, production && productionScore(gate, body, holdout.samples, production));
}

function productionScore(
  gate: Gate,
  body: Pick<CompleteJobBody, 'productionMetrics'>,
  samples: readonly LabelledSample[] | null,
  production: ProductionModel,
): ProductionScore {
  if (production.model && samples) return { version: production.version, value: evaluate(production.model, gate.metric, samples) };
  return { version: production.version, value: body.productionMetrics?.[gate.metric] ?? null };
}
