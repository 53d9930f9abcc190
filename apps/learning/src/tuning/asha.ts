/**
 * Asynchronous successive halving (ASHA, Li et al. 2020, "A System for Massively Parallel
 * Hyperparameter Tuning", Algorithm 2). Rung k learns the first r_k = r_0 η^k samples (the last rung
 * all of them); a trial that finished rung k goes on to rung k + 1 once it is among the best
 * ⌊n_k / η⌋ of the n_k trials that have finished rung k so far. Deciding on what has finished, not on
 * a full rung, is what lets workers go on without waiting for the slowest trial.
 */

/** Samples learned by the end of each rung: r_0, r_0 η, … below `total`, then `total`. */
export function rungSizes(total: number, minSamples: number, eta: number): number[] {
  const sizes: number[] = [];
  for (let r = minSamples; r < total; r *= eta) sizes.push(r);
  sizes.push(total);
  return sizes;
}

/**
 * The default first rung: enough rungs for the trials to be halved down to about one,
 * r_0 = total / η^(rungs − 1) with rungs = 1 + ⌊log_η trials⌋, but never below 10 samples.
 */
export function defaultMinSamples(total: number, trials: number, eta: number): number {
  const halvings = Math.floor(Math.log(trials) / Math.log(eta) + 1e-9);
  return Math.max(10, Math.floor(total / eta ** halvings));
}

export interface RungState {
  /** Position among the trials: breaks ties, so the rule is deterministic. */
  index: number;
  rungsDone: number;
  rungTarget: number;
  /** The metric after each finished rung (null: undefined, ranked last). */
  rungMetrics: readonly (number | null)[];
  failed: boolean;
}

/** Best first: by the rung's metric in `direction`, undefined values last, then by index. */
function ranked(trials: readonly RungState[], rung: number, direction: 'higher' | 'lower'): RungState[] {
  const sign = direction === 'higher' ? -1 : 1;
  return [...trials].sort((a, b) => {
    const [x, y] = [a.rungMetrics[rung] ?? null, b.rungMetrics[rung] ?? null];
    if (x === null || y === null || x === y) return (x === null ? 1 : 0) - (y === null ? 1 : 0) || a.index - b.index;
    return sign * (x - y);
  });
}

/** The trials to promote now, each to finish one more rung (indexes), from the highest rung down. */
export function promotions(trials: readonly RungState[], rungCount: number, eta: number, direction: 'higher' | 'lower'): number[] {
  const promoted: number[] = [];
  for (let k = rungCount - 2; k >= 0; k--) {
    const finished = trials.filter((t) => !t.failed && t.rungsDone > k && t.rungMetrics[k] !== undefined);
    const top = ranked(finished, k, direction).slice(0, Math.floor(finished.length / eta));
    for (const t of top) if (t.rungTarget === k + 1 && t.rungsDone === k + 1) promoted.push(t.index);
  }
  return promoted;
}

/**
 * The tuning's best trial: the best on the highest rung any trial finished (a trial that saw more
 * samples is measured more reliably). Null before the first rung finishes.
 */
export function bestTrial(trials: readonly RungState[], direction: 'higher' | 'lower'): number | null {
  const live = trials.filter((t) => !t.failed && t.rungsDone > 0);
  if (live.length === 0) return null;
  const top = Math.max(...live.map((t) => t.rungsDone)) - 1;
  const [best] = ranked(
    live.filter((t) => t.rungsDone > top),
    top,
    direction,
  );
  return best ? best.index : null;
}

/** Finished: no trial has a rung to run (every queued promotion done) and nothing is left to promote. */
export function isFinished(trials: readonly RungState[], rungCount: number, eta: number, direction: 'higher' | 'lower'): boolean {
  const working = trials.some((t) => !t.failed && t.rungsDone < t.rungTarget);
  return !working && promotions(trials, rungCount, eta, direction).length === 0;
}
