import { betainc } from './stdlib.js';
import { normCdf } from './distributions.js';

/**
 * Thompson sampling as probability matching: each arm's share of new units is the posterior
 * probability that it is the best arm. Binomial metrics use Beta(1 + successes, 1 + failures)
 * posteriors (uniform prior); continuous ones the Gaussian N(mean, variance / n) of a flat prior.
 */
export type BanditArm =
  { kind: 'binomial'; trials: number; successes: number } | { kind: 'continuous'; n: number; mean: number; variance: number };

export interface ThompsonOptions {
  /** Exploration floor: every arm keeps at least this share (default 0.01). */
  floor?: number;
  /** Points of the integration grid (default 4,000). */
  gridPoints?: number;
}

export const DEFAULT_EXPLORATION_FLOOR = 0.01;

interface Posterior {
  cdf: (x: number) => number;
  lo: number;
  hi: number;
}

/** How far into each tail the grid reaches, in posterior standard deviations. */
const TAIL_SDS = 10;

function posteriorOf(arm: BanditArm): Posterior {
  if (arm.kind === 'binomial') {
    if (!(arm.trials >= 0 && arm.successes >= 0 && arm.successes <= arm.trials)) {
      throw new RangeError('a binomial arm needs 0 <= successes <= trials');
    }
    const a = 1 + arm.successes;
    const b = 1 + arm.trials - arm.successes;
    const mean = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
    return {
      cdf: (x) => (x <= 0 ? 0 : x >= 1 ? 1 : betainc(x, a, b)),
      lo: Math.max(0, mean - TAIL_SDS * sd),
      hi: Math.min(1, mean + TAIL_SDS * sd),
    };
  }
  if (!(arm.n >= 2 && arm.variance >= 0 && Number.isFinite(arm.mean))) {
    throw new RangeError('a continuous arm needs n >= 2, a finite mean and variance >= 0');
  }
  const se = Math.sqrt(arm.variance / arm.n);
  if (se === 0) return { cdf: (x) => (x < arm.mean ? 0 : 1), lo: arm.mean, hi: arm.mean };
  return { cdf: (x) => normCdf((x - arm.mean) / se), lo: arm.mean - TAIL_SDS * se, hi: arm.mean + TAIL_SDS * se };
}

/**
 * P(arm i has the highest true value) for every arm: ∫ f_i(x) Π_{j≠i} F_j(x) dx, integrated as
 * Σ_k [F_i(x_{k+1}) − F_i(x_k)] · Π_{j≠i} ½[F_j(x_k) + F_j(x_{k+1})] over a grid spanning every
 * posterior's bulk (midpoint rule on the CDF increments, so each arm's mass sums to 1 exactly).
 * The answers are normalised to sum to 1.
 */
export function probabilityBest(arms: readonly BanditArm[], gridPoints = 4000): number[] {
  if (arms.length < 2) throw new RangeError('need at least two arms');
  const posts = arms.map(posteriorOf);
  const lo = Math.min(...posts.map((p) => p.lo));
  const hi = Math.max(...posts.map((p) => p.hi));
  if (hi === lo) return arms.map(() => 1 / arms.length);
  // Point masses (a zero-variance arm) sit exactly on the grid's ends or inside a cell: fine for the increments.
  const xs = Array.from({ length: gridPoints + 1 }, (_, k) => lo + ((hi - lo) * k) / gridPoints);
  // Beyond TAIL_SDS standard deviations a CDF is 0 or 1 to double precision: evaluate only inside.
  const cdfs = posts.map((p) => xs.map((x) => (x < p.lo ? 0 : x > p.hi ? 1 : p.cdf(x))));
  const best = arms.map(() => 0);
  for (let k = 0; k < gridPoints; k++) {
    for (let i = 0; i < arms.length; i++) {
      const mass = cdfs[i]![k + 1]! - cdfs[i]![k]!;
      if (mass <= 0) continue;
      let others = 1;
      for (let j = 0; j < arms.length; j++) if (j !== i) others *= 0.5 * (cdfs[j]![k]! + cdfs[j]![k + 1]!);
      best[i]! += mass * others;
    }
  }
  const total = best.reduce((s, v) => s + v, 0);
  return total > 0 ? best.map((v) => v / total) : arms.map(() => 1 / arms.length);
}

/**
 * Traffic weights for the next period: P(best) shrunk towards the floor so that every arm keeps at
 * least `floor` of the traffic: w_i = floor + (1 − k·floor) · P(best_i). Sums to 1.
 */
export function thompsonWeights(arms: readonly BanditArm[], options: ThompsonOptions = {}): number[] {
  const floor = options.floor ?? DEFAULT_EXPLORATION_FLOOR;
  if (!(floor >= 0 && floor * arms.length <= 1)) throw new RangeError('floor must be in [0, 1 / arms]');
  const p = probabilityBest(arms, options.gridPoints);
  return p.map((v) => floor + (1 - arms.length * floor) * v);
}
