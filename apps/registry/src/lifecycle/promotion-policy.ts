import type { Direction, ShouldPromoteResponse } from '@modelyard/types';

export interface PolicyInput {
  metric: string;
  direction: Direction;
  minImprovement: number;
}

/** A promotion's policy: a metric comparison, a required passing validation report, or both. */
export interface PromotionPolicyInput {
  metric?: string;
  direction?: Direction;
  minImprovement: number;
  requireValidation: boolean;
}

/** The metric part of a policy, when it has one (the body's schema requires the direction with a metric). */
export function metricPolicy(p: PromotionPolicyInput): PolicyInput | null {
  return p.metric && p.direction ? { metric: p.metric, direction: p.direction, minImprovement: p.minImprovement } : null;
}

interface Side {
  version: string;
  metrics: Record<string, number>;
}

/**
 * Should `candidate` replace `production`? Improvement is signed so that positive is better:
 * (candidate − production) when higher is better, (production − candidate) when lower is.
 * The candidate must improve by at least `minImprovement` (0: it must simply not be worse).
 */
/** A side's own value for a metric: the name comes from the request ("constructor" is a name too). */
const metricOf = (side: Side | null, metric: string): number | null =>
  side && Object.hasOwn(side.metrics, metric) ? (side.metrics[metric] ?? null) : null;

export function decidePromotion(candidate: Side, production: Side | null, policy: PolicyInput): ShouldPromoteResponse {
  const candidateValue = metricOf(candidate, policy.metric);
  const productionValue = metricOf(production, policy.metric);
  const base = {
    metric: policy.metric,
    candidateVersion: candidate.version,
    candidateValue,
    productionVersion: production?.version ?? null,
    productionValue,
  };
  if (candidateValue === null) {
    return { ...base, promote: false, improvement: null, reason: `the candidate has no value for '${policy.metric}'` };
  }
  if (!production) return { ...base, promote: true, improvement: null, reason: 'there is no production version yet' };
  if (productionValue === null) {
    return { ...base, promote: true, improvement: null, reason: `the production version has no value for '${policy.metric}'` };
  }
  const improvement = policy.direction === 'higher' ? candidateValue - productionValue : productionValue - candidateValue;
  const promote = improvement >= policy.minImprovement;
  const comparison = `${policy.metric} ${candidateValue} vs ${productionValue} (${policy.direction} is better): improvement ${improvement}`;
  return {
    ...base,
    promote,
    improvement,
    reason: promote
      ? `${comparison} meets the required ${policy.minImprovement}`
      : `${comparison} is below the required ${policy.minImprovement}`,
  };
}
