import { haltonPoint, Rng, Sobol } from '@modelyard/learners';
import type { BuiltinLearnerSpec, TrialParams, TuneRange, TuneSampler, TuneSpace } from '@modelyard/types';

/**
 * Where the configurations of a tuning come from: each point of the unit cube (quasi-random, or
 * pseudo-random) is mapped onto the searched parameters, one coordinate per parameter, in a fixed
 * order; parameters left out of the space keep the pipeline's value.
 */
const RANGES = ['learningRate', 'alpha', 'beta', 'l1', 'l2'] as const;

/** Points of the unit cube; Sobol's first point is the origin, skipped as the corner of every range. */
export function unitPoints(sampler: TuneSampler, dimensions: number, count: number, seed: number): number[][] {
  if (dimensions === 0) return Array.from({ length: count }, () => []);
  if (sampler === 'sobol') {
    const sobol = new Sobol(dimensions);
    return Array.from({ length: count }, (_, i) => sobol.point(i + 1));
  }
  if (sampler === 'halton') return Array.from({ length: count }, (_, i) => haltonPoint(i + 1, dimensions));
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: dimensions }, () => rng.uniform()));
}

/** u ∈ [0, 1) onto a range: evenly in log10 for `log`, else linearly. */
export function scale(range: TuneRange, u: number): number {
  if (range.scale === 'linear') return range.min + u * (range.max - range.min);
  const [lo, hi] = [Math.log10(range.min), Math.log10(range.max)];
  return 10 ** (lo + u * (hi - lo));
}

/** u ∈ [0, 1) onto one of `choices`, each with an equal share of the interval. */
export function choose<T>(choices: readonly T[], u: number): T {
  return choices[Math.min(choices.length - 1, Math.floor(u * choices.length))]!;
}

/** Searched parameters, in coordinate order. */
export function searchedParameters(space: TuneSpace): string[] {
  const names: string[] = [];
  if (space.optimizer) names.push('optimizer');
  for (const name of RANGES) if (space[name]) names.push(name);
  if (space.standardize) names.push('standardize');
  if (space.dim) names.push('dim');
  return names;
}

/** The configuration at one point: the pipeline's learner with the searched parameters set. */
export function configAt(space: TuneSpace, base: BuiltinLearnerSpec, point: readonly number[]): TrialParams {
  const hyperparameters = { ...base.hyperparameters };
  let optimizer = base.optimizer;
  let k = 0;
  const next = () => point[k++]!;
  if (space.optimizer) optimizer = choose(space.optimizer, next());
  for (const name of RANGES) {
    const range = space[name];
    if (range) hyperparameters[name] = scale(range, next());
  }
  if (space.standardize) hyperparameters.standardize = choose(space.standardize, next());
  if (space.dim) hyperparameters.dim = choose(space.dim, next());
  return { optimizer, hyperparameters };
}

/** The `count` configurations of a tuning, in trial order. */
export function configurations(
  space: TuneSpace,
  base: BuiltinLearnerSpec,
  o: { sampler: TuneSampler; count: number; seed: number },
): TrialParams[] {
  const points = unitPoints(o.sampler, searchedParameters(space).length, o.count, o.seed);
  return points.map((p) => configAt(space, base, p));
}
