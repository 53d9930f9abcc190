import { thompsonWeights, type BanditArm } from '@modelyard/stats';
import type { BanditSettings, MetricSummary, WeightPeriod } from '@modelyard/types';
import type { MetricKind } from '../experiments/experiment.js';

/**
 * Integration points for P(best): a tick re-weighs every running bandit, and weights need no more
 * than a few decimals (1,000 points over ±10 posterior sd are within about 1e-5 of the quadrature).
 */
export const BANDIT_GRID_POINTS = 1000;

/** A new period starts only when some weight moved by more than this (every tick would churn SDK configs). */
export const WEIGHT_CHANGE_THRESHOLD = 0.005;

/**
 * The weights a bandit should use from now on, or null to keep the current ones: none during the
 * burn-in (equal weights until `burnInUnits` units in all), else Thompson sampling's P(best) with
 * the exploration floor, for a metric where lower is better on the negated values.
 */
export function nextWeights(
  settings: BanditSettings,
  metric: { kind: MetricKind; direction: 'higher' | 'lower' },
  summaries: MetricSummary[],
  current: number[],
): number[] | null {
  const units = summaries.reduce((s, v) => s + v.n, 0);
  if (units < settings.burnInUnits) return null;
  const arms = summaries.map((s) => armOf(metric, s));
  if (arms.some((a) => a === null)) return null; // an arm without enough units: keep exploring evenly
  const weights = thompsonWeights(arms as BanditArm[], { floor: settings.floor, gridPoints: BANDIT_GRID_POINTS });
  const total = current.reduce((s, w) => s + w, 0);
  const moved = weights.some((w, i) => Math.abs(w - current[i]! / total) > WEIGHT_CHANGE_THRESHOLD);
  return moved ? weights : null;
}

function armOf(metric: { kind: MetricKind; direction: 'higher' | 'lower' }, s: MetricSummary): BanditArm | null {
  if (metric.kind === 'binomial') {
    // Successes are the units that converted; for a "lower is better" rate, the ones that did not.
    const successes = Math.round(metric.direction === 'higher' ? s.sum : s.n - s.sum);
    return s.n > 0 ? { kind: 'binomial', trials: s.n, successes: Math.min(Math.max(successes, 0), s.n) } : null;
  }
  if (s.n < 2) return null;
  const mean = s.sum / s.n;
  const variance = Math.max(0, (s.sumSquares - s.n * mean * mean) / (s.n - 1));
  return { kind: 'continuous', n: s.n, mean: metric.direction === 'higher' ? mean : -mean, variance };
}

/** Units per variant assigned during each period (the last one runs until `unitsNow`). */
export function periodUnits(periods: readonly WeightPeriod[], unitsNow: readonly number[]): number[][] {
  return periods.map((p, i) => {
    const end = periods[i + 1]?.unitsAtStart ?? unitsNow;
    return p.unitsAtStart.map((start, v) => Math.max(0, end[v]! - start));
  });
}

/**
 * The share of units each variant should have had, given the weights in force when they arrived:
 * the burn-in's units under the initial weights, then each period's units under its weights. What
 * the SRM check compares against (the initial weights alone would flag every working bandit).
 */
export function expectedShares(initial: readonly number[], periods: readonly WeightPeriod[], unitsNow: readonly number[]): number[] {
  const norm = (w: readonly number[]) => {
    const t = w.reduce((s, v) => s + v, 0);
    return w.map((v) => v / t);
  };
  if (!periods.length) return norm(initial);
  const burnIn = periods[0]!.unitsAtStart.reduce((s, v) => s + v, 0);
  const expected = norm(initial).map((w) => w * burnIn);
  periodUnits(periods, unitsNow).forEach((units, p) => {
    const n = units.reduce((s, v) => s + v, 0);
    norm(periods[p]!.weights).forEach((w, v) => (expected[v]! += w * n));
  });
  const total = expected.reduce((s, v) => s + v, 0);
  return total > 0 ? expected.map((v) => v / total) : norm(initial);
}
