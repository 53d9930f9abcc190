import {
  chanceToBeatControl,
  minimumDetectableEffect,
  normPpf,
  relativeLift,
  sampleSize,
  sequentialTest,
  srm,
  welchTTest,
  zTestProportions,
  type ArmSummary,
} from '@modelyard/stats';
import type { MetricSummary, ResultsResponse, Variant } from '@modelyard/types';

/** SRM is flagged at this p-value: strict, because a false alarm stops a healthy experiment. */
export const SRM_ALPHA = 0.001;
const POWER = 0.8;

export interface MetricDef {
  name: string;
  kind: 'binomial' | 'continuous';
  direction: 'higher' | 'lower';
}
export interface GuardrailDef extends MetricDef {
  maxRelativeDegradation: number;
}
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
  summaries: Record<string, Record<string, MetricSummary>>;
}

type Comparison = ResultsResponse['comparisons'][number];

/** Mean and unbiased variance over n units from Σx and Σx². */
export function arm(s: MetricSummary): ArmSummary | null {
  if (s.n < 2) return null;
  const mean = s.sum / s.n;
  return { n: s.n, mean, variance: Math.max(0, (s.sumSquares - s.n * mean * mean) / (s.n - 1)) };
}

const safe = <T>(f: () => T): T | null => {
  try {
    const v = f();
    return v;
  } catch {
    return null; // a degenerate arm (zero mean or variance) has no such statistic yet
  }
};

function compare(metric: MetricDef, variant: string, c: MetricSummary, t: MetricSummary, input: ResultsInput): Comparison {
  const ca = arm(c);
  const ta = arm(t);
  const empty: Comparison = {
    variant,
    metric: metric.name,
    test: metric.kind === 'binomial' ? 'z' : 'welch',
    diff: null,
    diffCi: null,
    relativeLift: null,
    relativeLiftCi: null,
    pValue: null,
    sequentialPValue: null,
    sequentialCi: null,
    chanceToBeatControl: null,
    significant: false,
  };
  if (!ca || !ta) return empty;
  const fixed =
    metric.kind === 'binomial'
      ? safe(() => zTestProportions(t.sum, t.n, c.sum, c.n, { alpha: input.alpha }))
      : safe(() => welchTTest(ta, ca, { alpha: input.alpha }));
  const lift = safe(() => relativeLift(ca, ta, { alpha: input.alpha }));
  const seq = input.sequential ? safe(() => sequentialTest(ca, ta, { alpha: input.alpha })) : null;
  const chance = safe(() => chanceToBeatControl(ca, ta));
  const deciding = input.sequential ? seq?.pValue : fixed?.pValue;
  const toward = metric.direction === 'higher' ? 1 : -1;
  return {
    ...empty,
    diff: fixed?.diff ?? ta.mean - ca.mean,
    diffCi: fixed ? [fixed.ci[0], fixed.ci[1]] : null,
    relativeLift: lift?.lift ?? null,
    relativeLiftCi: lift ? [lift.ci[0], lift.ci[1]] : null,
    pValue: fixed?.pValue ?? null,
    sequentialPValue: seq?.pValue ?? null,
    sequentialCi: seq ? [seq.lower, seq.upper] : null,
    // Chance that the treatment is better in the metric's own direction.
    chanceToBeatControl: chance ? (toward > 0 ? chance.chanceToBeat : 1 - chance.chanceToBeat) : null,
    significant: deciding !== undefined && deciding !== null && deciding < input.alpha,
  };
}

function guardrailVerdict(g: GuardrailDef, cmp: Comparison): ResultsResponse['guardrails'][number] {
  const base = { variant: cmp.variant, metric: g.name, maxRelativeDegradation: g.maxRelativeDegradation };
  if (cmp.relativeLift === null || !cmp.relativeLiftCi) return { ...base, relativeChange: null, verdict: 'insufficient_data' };
  // Degradation is positive when the treatment is worse in the metric's direction.
  const sign = g.direction === 'higher' ? -1 : 1;
  const [lo, hi] = cmp.relativeLiftCi.map((x) => sign * x).sort((a, b) => a - b) as [number, number];
  const degradation = sign * cmp.relativeLift;
  const verdict = lo > g.maxRelativeDegradation ? 'fail' : degradation > g.maxRelativeDegradation || hi > g.maxRelativeDegradation ? 'warn' : 'pass';
  return { ...base, relativeChange: cmp.relativeLift, verdict };
}

/**
 * Why a winning treatment may not ship yet, or null when it may: only guardrails that `pass` let it
 * ship. `warn` (it may degrade the guardrail beyond the tolerance) and `insufficient_data` (nothing
 * to judge it by yet) keep the experiment running until more data settles them.
 */
function guardrailHold(variant: string, guardrails: ResultsResponse['guardrails']): string | null {
  const held = guardrails.find((g) => g.variant === variant && g.verdict !== 'pass');
  if (!held) return null;
  const limit = `${held.maxRelativeDegradation * 100}%`;
  return held.verdict === 'warn'
    ? `guardrail ${held.metric} of ${variant} is warn: it may degrade beyond ${limit}`
    : `guardrail ${held.metric} of ${variant} has insufficient data`;
}

function recommend(input: ResultsInput, primary: Comparison[], guardrails: ResultsResponse['guardrails'], srmFlagged: boolean, needed: number | null) {
  const failed = guardrails.find((g) => g.verdict === 'fail');
  if (failed) {
    return { action: 'stop_guardrail' as const, variant: failed.variant, reason: `${failed.variant} degrades ${failed.metric} beyond ${failed.maxRelativeDegradation * 100}%` };
  }
  if (srmFlagged) return { action: 'keep_running' as const, variant: null, reason: 'sample ratio mismatch: fix assignment before trusting any result' };
  const units = Math.min(...Object.values(input.summaries).map((m) => m[input.primary.name]?.n ?? 0));
  if (input.minSampleSize && units < input.minSampleSize) {
    return { action: 'keep_running' as const, variant: null, reason: `${units} of the ${input.minSampleSize} units per arm required` };
  }
  const toward = input.primary.direction === 'higher' ? 1 : -1;
  const winners = primary.filter((c) => c.significant && (c.diff ?? 0) * toward > 0).sort((a, b) => (b.diff! - a.diff!) * toward);
  if (winners[0]) {
    const beats = `${winners[0].variant} beats control on ${input.primary.name}`;
    const hold = guardrailHold(winners[0].variant, guardrails);
    if (hold) {
      return { action: 'keep_running' as const, variant: null, reason: `${beats}, but ${hold}: not shipping yet` };
    }
    return { action: 'ship' as const, variant: winners[0].variant, reason: beats };
  }
  if (primary.length && primary.every((c) => c.significant && (c.diff ?? 0) * toward < 0)) {
    return { action: 'ship' as const, variant: input.control, reason: `every treatment is worse than control on ${input.primary.name}` };
  }
  if (needed !== null && units >= needed) return { action: 'no_difference' as const, variant: null, reason: 'enough units for 80% power and no significant difference' };
  return { action: 'keep_running' as const, variant: null, reason: 'no significant difference yet' };
}

/** Everything the results endpoint shows, from sufficient statistics alone (O(variants × metrics)). */
export function computeResults(input: ResultsInput, now = new Date()): ResultsResponse {
  const metrics: MetricDef[] = [input.primary, ...input.guardrails];
  const control = input.summaries[input.control]!;
  const treatments = input.variants.filter((v) => v.key !== input.control);
  const z = normPpf(1 - input.alpha / 2);

  const variants = input.variants.map((v) => ({
    key: v.key,
    version: v.version,
    units: input.summaries[v.key]?.[input.primary.name]?.n ?? 0,
    metrics: Object.fromEntries(
      metrics.map((m) => {
        const a = arm(input.summaries[v.key]![m.name]!);
        const half = a ? z * Math.sqrt(a.variance / a.n) : 0;
        return [m.name, { mean: a?.mean ?? null, ci: a ? ([a.mean - half, a.mean + half] as [number, number]) : null }];
      }),
    ),
  }));
  const comparisons = treatments.flatMap((t) => metrics.map((m) => compare(m, t.key, control[m.name]!, input.summaries[t.key]![m.name]!, input)));
  const guardrails = input.guardrails.flatMap((g) => comparisons.filter((c) => c.metric === g.name).map((c) => guardrailVerdict(g, c)));

  const observed = input.variants.map((v) => input.summaries[v.key]?.[input.primary.name]?.n ?? 0);
  const srmResult = observed.reduce((a, b) => a + b, 0) > 0 ? safe(() => srm(observed, input.variants.map((v) => v.weight))) : null;
  const srmFlagged = srmResult !== null && srmResult.pValue < SRM_ALPHA;

  const primary = comparisons.filter((c) => c.metric === input.primary.name);
  const controlArm = arm(control[input.primary.name]!);
  const best = primary.filter((c) => c.relativeLift !== null).sort((a, b) => Math.abs(b.relativeLift!) - Math.abs(a.relativeLift!))[0];
  const powerBase = controlArm
    ? input.primary.kind === 'binomial'
      ? { baseline: controlArm.mean, alpha: input.alpha, power: POWER }
      : { baseline: controlArm.mean, sd: Math.sqrt(controlArm.variance), alpha: input.alpha, power: POWER }
    : null;
  const needed = powerBase && best?.relativeLift ? safe(() => sampleSize({ ...powerBase, mde: Math.abs(best.relativeLift!) })) : null;
  const mde = powerBase && controlArm ? safe(() => minimumDetectableEffect({ ...powerBase, n: controlArm.n })) : null;

  return {
    experiment: input.key,
    status: input.status,
    computedAt: now.toISOString(),
    alpha: input.alpha,
    sequential: input.sequential,
    variants,
    comparisons,
    srm: { statistic: srmResult?.statistic ?? null, pValue: srmResult?.pValue ?? null, flagged: srmFlagged },
    guardrails,
    power: { unitsPerArmNeeded: needed, minimumDetectableEffect: mde },
    recommendation: recommend(input, primary, guardrails, srmFlagged, needed),
  };
}
