import { ValidationFailed } from '@modelyard/platform';
import { planFixed, planSequential, type PlanInput, type PlanResult } from '@modelyard/stats';
import type { PlanBody, PlanResponse } from '@modelyard/types';

/** The request as the stats package's input (the schema made sure the kind's baseline fields are there). */
function inputOf(b: PlanBody): PlanInput {
  const common = { mde: b.mde.value, relative: b.mde.type === 'relative', alpha: b.alpha, power: b.power, variants: b.variants };
  if (b.metric === 'binomial') return { ...common, kind: 'binomial', baseline: b.baseline.rate ?? NaN };
  return { ...common, kind: 'continuous', baseline: b.baseline.mean ?? NaN, sd: b.baseline.sd ?? NaN };
}

/** The request field a planning RangeError is about, so the 400 names it. */
function fieldOf(message: string): string {
  if (message.includes('non-zero baseline')) return 'baseline.mean';
  return 'mde.value';
}

function horizon(r: PlanResult, variants: number, dailyUnits: number | undefined) {
  if (!Number.isFinite(r.unitsPerVariant) || r.unitsPerVariant > Number.MAX_SAFE_INTEGER / variants) {
    throw new ValidationFailed([{ field: 'mde.value', in: 'body', message: 'too small an effect to detect with any number of units' }]);
  }
  const totalUnits = r.unitsPerVariant * variants;
  return { unitsPerVariant: r.unitsPerVariant, totalUnits, days: dailyUnits ? Math.ceil(totalUnits / dailyUnits) : null };
}

/** Units (and days) to detect the mde, for the fixed-horizon and the always-valid test. */
export function plan(b: PlanBody): PlanResponse {
  const input = inputOf(b);
  let fixed: PlanResult;
  try {
    fixed = planFixed(input);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValidationFailed([{ field: fieldOf(e.message), in: 'body', message: e.message }]);
  }
  const fixedHorizon = horizon(fixed, b.variants, b.dailyUnits);
  const sequential = b.sequential ? horizon(planSequential(input), b.variants, b.dailyUnits) : null;
  return {
    metric: b.metric,
    absoluteEffect: fixed.absoluteEffect,
    effectSize: fixed.effectSize,
    alphaPerComparison: fixed.alphaPerComparison,
    fixed: fixedHorizon,
    sequential: sequential && {
      ...sequential,
      extraUnitsShare: sequential.unitsPerVariant / fixedHorizon.unitsPerVariant - 1,
    },
  };
}
