/**
 * The split criterion of a Hoeffding tree (Domingos & Hulten 2000, "Mining high-speed data streams",
 * KDD): information gain (Quinlan 1986) of a candidate split, and the Hoeffding bound that decides
 * when the best candidate is better than the second best with probability 1 − δ.
 *
 * Conventions follow MOA's InfoGainSplitCriterion and HoeffdingTree.computeHoeffdingBound (Bifet et
 * al., "Machine Learning for Data Streams", MIT Press 2018, §6.3), which River copies:
 * - entropies in bits (log₂), so the gain of a k-class problem lies in [0, log₂ k] and R = log₂ k;
 * - a split whose branches do not hold more than `minBranchFraction` of the weight in at least two of
 *   them is worth −∞ (it would only peel off a sliver of the data).
 */
import { log, sqrt } from '../globals.js';

const LN2 = Math.LN2;

/** Entropy in bits of a distribution of (weighted) class counts; 0 for an empty one. */
export function entropy(counts: ArrayLike<number>): number {
  let sum = 0;
  let acc = 0;
  for (let c = 0; c < counts.length; c++) {
    const n = counts[c]!;
    if (n > 0) {
      acc -= n * log(n);
      sum += n;
    }
  }
  // H = −Σ (n_c/N) log₂(n_c/N) = (−Σ n_c ln n_c + N ln N) / (N ln 2)
  return sum > 0 ? (acc + sum * log(sum)) / (sum * LN2) : 0;
}

function total(counts: ArrayLike<number>): number {
  let s = 0;
  for (let c = 0; c < counts.length; c++) s += counts[c]!;
  return s;
}

/** Entropy after the split: each branch's entropy weighted by its share of the weight. */
export function splitEntropy(branches: readonly ArrayLike<number>[]): number {
  let weight = 0;
  let acc = 0;
  for (const b of branches) {
    const w = total(b);
    weight += w;
    acc += w * entropy(b);
  }
  return weight > 0 ? acc / weight : 0;
}

/** Branches holding more than `fraction` of the split's total weight. */
function branchesAbove(branches: readonly ArrayLike<number>[], fraction: number): number {
  const weights = branches.map(total);
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.filter((w) => sum > 0 && w / sum > fraction).length;
}

/**
 * Information gain H(pre) − Σ_b (N_b/N) H(b) of splitting `pre` into `branches`; −∞ when fewer than
 * two branches hold more than `minBranchFraction` of the weight (MOA's default 0.01).
 */
export function informationGain(pre: ArrayLike<number>, branches: readonly ArrayLike<number>[], minBranchFraction = 0.01): number {
  if (branchesAbove(branches, minBranchFraction) < 2) return -Infinity;
  return entropy(pre) - splitEntropy(branches);
}

/** R for information gain: log₂ of the number of classes (at least 2). */
export function informationGainRange(classes: number): number {
  return log(classes < 2 ? 2 : classes) / LN2;
}

/**
 * Hoeffding bound ε = √(R² ln(1/δ) / 2n): after n independent observations of a variable with range
 * R, its true mean is within ε of the observed mean with probability 1 − δ (Hoeffding 1963).
 */
export function hoeffdingBound(range: number, delta: number, n: number): number {
  return sqrt((range * range * log(1 / delta)) / (2 * n));
}
