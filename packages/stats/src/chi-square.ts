// Chi-square tests on counts: homogeneity of two samples over k categories, and the sample
// ratio mismatch (SRM) goodness-of-fit test of an experiment's assignment counts.

import { chi2Sf } from './distributions.js';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
}

function checkCounts(x: readonly number[], name: string): void {
  for (const v of x) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be finite and >= 0`);
  }
}

/**
 * Pearson chi-square test of homogeneity on the 2×k table [refCounts; curCounts]
 * (= scipy.stats.chi2_contingency([ref, cur], correction=False)).
 *
 * A category empty in both samples carries no information and would make an expected count
 * zero (scipy raises there); it is dropped, and the degrees of freedom count only the
 * categories that remain. With a single non-empty category the test is degenerate: statistic 0,
 * p-value 1, dof 0 (as scipy returns for dof = 0).
 */
export function chiSquare(refCounts: readonly number[], curCounts: readonly number[]): ChiSquareResult {
  if (refCounts.length !== curCounts.length) {
    throw new RangeError('refCounts and curCounts must have the same length');
  }
  checkCounts(refCounts, 'refCounts');
  checkCounts(curCounts, 'curCounts');
  const cols: number[] = [];
  let refTotal = 0;
  let curTotal = 0;
  for (let c = 0; c < refCounts.length; c++) {
    if (refCounts[c]! + curCounts[c]! > 0) cols.push(c);
    refTotal += refCounts[c]!;
    curTotal += curCounts[c]!;
  }
  if (refTotal === 0 || curTotal === 0) throw new RangeError('both samples need at least one count');
  const dof = cols.length - 1;
  if (dof <= 0) return { statistic: 0, pValue: 1, dof: 0 };
  const total = refTotal + curTotal;
  let statistic = 0;
  for (const c of cols) {
    const colTotal = refCounts[c]! + curCounts[c]!;
    // Expected counts under homogeneity: row total × column total / grand total.
    const eRef = (refTotal * colTotal) / total;
    const eCur = (curTotal * colTotal) / total;
    statistic += (refCounts[c]! - eRef) ** 2 / eRef + (curCounts[c]! - eCur) ** 2 / eCur;
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}

/**
 * Sample ratio mismatch: chi-square goodness of fit of the observed assignment counts to the
 * planned traffic weights (= scipy.stats.chisquare(observed, f_exp=total·w/Σw)).
 * A tiny p-value (conventionally < 0.001) means the assignment is broken and the experiment's
 * results should not be trusted.
 */
export function srm(observed: readonly number[], weights: readonly number[]): ChiSquareResult {
  if (observed.length !== weights.length || observed.length < 2) {
    throw new RangeError('observed and weights must have the same length (>= 2)');
  }
  checkCounts(observed, 'observed');
  checkCounts(weights, 'weights');
  const total = observed.reduce((s, v) => s + v, 0);
  const wsum = weights.reduce((s, v) => s + v, 0);
  if (total === 0 || wsum === 0) throw new RangeError('observed and weights must not sum to 0');
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = (total * weights[i]!) / wsum;
    if (e === 0) {
      if (observed[i]! > 0) return { statistic: Infinity, pValue: 0, dof: observed.length - 1 };
      continue;
    }
    statistic += (observed[i]! - e) ** 2 / e;
  }
  const dof = observed.length - 1;
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}
