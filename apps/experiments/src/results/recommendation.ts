import type { ResultsResponse } from '@modelyard/types';
import type { GuardrailDef, MetricDef } from '../experiments/experiment.js';

export type Comparison = ResultsResponse['comparisons'][number];
export type GuardrailVerdict = ResultsResponse['guardrails'][number];
export type Recommendation = ResultsResponse['recommendation'];

/**
 * A guardrail's verdict for one treatment, from its relative change vs control and that change's
 * interval, turned so that a positive degradation means worse in the metric's direction: `fail`
 * when the whole interval is past the tolerance, `warn` when the estimate or the interval's worse
 * end is, `pass` otherwise; `insufficient_data` without an interval.
 */
export function guardrailVerdict(g: GuardrailDef, cmp: Comparison): GuardrailVerdict {
  const base = { variant: cmp.variant, metric: g.name, maxRelativeDegradation: g.maxRelativeDegradation };
  if (cmp.relativeLift === null || !cmp.relativeLiftCi) return { ...base, relativeChange: null, verdict: 'insufficient_data' };
  const sign = g.direction === 'higher' ? -1 : 1;
  const [x, y] = cmp.relativeLiftCi;
  const lo = Math.min(sign * x, sign * y);
  const hi = Math.max(sign * x, sign * y);
  const degradation = sign * cmp.relativeLift;
  const limit = g.maxRelativeDegradation;
  const verdict = lo > limit ? 'fail' : degradation > limit || hi > limit ? 'warn' : 'pass';
  return { ...base, relativeChange: cmp.relativeLift, verdict };
}

/** What the recommendation is decided on (computed by results.calculator.ts). */
export interface RecommendationInput {
  control: string;
  primary: MetricDef;
  /** Each treatment against control on the primary metric. */
  comparisons: Pick<Comparison, 'variant' | 'diff' | 'significant'>[];
  guardrails: GuardrailVerdict[];
  srmFlagged: boolean;
  /** Units in the smallest arm. */
  units: number;
  minSampleSize: number | null;
  /** Units per arm needed to detect the observed effect with 80 % power (null: unknown). */
  needed: number | null;
}

/**
 * Why a winning treatment may not ship yet, or null when it may: only guardrails that `pass` let it
 * ship. `warn` (it may degrade the guardrail beyond the tolerance) and `insufficient_data` (nothing
 * to judge it by yet) keep the experiment running until more data settles them.
 */
function guardrailHold(variant: string, guardrails: GuardrailVerdict[]): string | null {
  const held = guardrails.find((g) => g.variant === variant && g.verdict !== 'pass');
  if (!held) return null;
  const limit = `${held.maxRelativeDegradation * 100}%`;
  return held.verdict === 'warn'
    ? `guardrail ${held.metric} of ${variant} is warn: it may degrade beyond ${limit}`
    : `guardrail ${held.metric} of ${variant} has insufficient data`;
}

/**
 * The recommendation, in order of precedence: a failed guardrail stops; a sample ratio mismatch or
 * fewer than `minSampleSize` units per arm keep it running whatever the p-values say; the best
 * significant improvement ships if its guardrails all pass (else it keeps running, saying why);
 * control ships when every treatment is significantly worse; enough units for 80 % power with no
 * significant difference means there is none to find; else it keeps running.
 */
export function recommend(r: RecommendationInput): Recommendation {
  const failed = r.guardrails.find((g) => g.verdict === 'fail');
  if (failed) {
    const reason = `${failed.variant} degrades ${failed.metric} beyond ${failed.maxRelativeDegradation * 100}%`;
    return { action: 'stop_guardrail', variant: failed.variant, reason };
  }
  if (r.srmFlagged) return keepRunning('sample ratio mismatch: fix assignment before trusting any result');
  if (r.minSampleSize && r.units < r.minSampleSize) {
    return keepRunning(`${r.units} of the ${r.minSampleSize} units per arm required`);
  }
  const toward = r.primary.direction === 'higher' ? 1 : -1;
  const winners = r.comparisons
    .filter((c) => c.significant && (c.diff ?? 0) * toward > 0)
    .sort((a, b) => ((b.diff ?? 0) - (a.diff ?? 0)) * toward);
  if (winners[0]) return winnerRecommendation(winners[0].variant, r);
  if (r.comparisons.length && r.comparisons.every((c) => c.significant && (c.diff ?? 0) * toward < 0)) {
    return { action: 'ship', variant: r.control, reason: `every treatment is worse than control on ${r.primary.name}` };
  }
  if (r.needed !== null && r.units >= r.needed) {
    return {
      action: 'no_difference',
      variant: null,
      reason: 'enough units for 80% power and no significant difference',
    };
  }
  return keepRunning('no significant difference yet');
}

function winnerRecommendation(variant: string, r: RecommendationInput): Recommendation {
  const beats = `${variant} beats control on ${r.primary.name}`;
  const hold = guardrailHold(variant, r.guardrails);
  if (hold) return keepRunning(`${beats}, but ${hold}: not shipping yet`);
  return { action: 'ship', variant, reason: beats };
}

function keepRunning(reason: string): Recommendation {
  return { action: 'keep_running', variant: null, reason };
}
