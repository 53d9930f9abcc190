// The numeric drift check: KS, Wasserstein and PSI of one feature, sorting each sample once and
// sharing the sorted copies between the three tests (sorting dominates their cost) and one
// merge pass between KS and Wasserstein.

import { type KsOptions, ksPValue, type KsResult } from './ks.js';
import { mergeStats } from './merge.js';
import { psiSorted, type PsiOptions, type PsiResult } from './psi.js';
import { type Sample, sortSample } from './sample.js';
import { populationStd, WASSERSTEIN_STD_FLOOR } from './wasserstein.js';

/** Default drift thresholds (Evidently's defaults). */
export const DRIFT_THRESHOLDS = {
  /** KS, chi-square and Z tests: drift when p < 0.05. */
  pValue: 0.05,
  /** Normed Wasserstein distance: drift when >= 0.1. */
  wassersteinNormed: 0.1,
  /** Jensen–Shannon distance: drift when >= 0.1. */
  jensenShannon: 0.1,
  /** PSI: drift when >= 0.1. */
  psi: 0.1,
} as const;

export interface NumericDriftResult {
  ks: KsResult;
  wasserstein: number;
  /** wasserstein / max(std(reference), 0.001). */
  wassersteinNormed: number;
  psi: PsiResult;
}

export interface NumericDriftOptions {
  ks?: KsOptions;
  psi?: PsiOptions;
}

/** KS + Wasserstein (raw and normed) + PSI of `current` against `reference`, one sort each. */
export function driftNumeric(reference: Sample, current: Sample, options: NumericDriftOptions = {}): NumericDriftResult {
  const ref = sortSample(reference, 'reference');
  const cur = sortSample(current, 'current');
  const { d, w1: wasserstein } = mergeStats(ref, cur);
  return {
    ks: ksPValue(d, ref.length, cur.length, options.ks?.method ?? 'auto'),
    wasserstein,
    wassersteinNormed: wasserstein / Math.max(populationStd(ref), WASSERSTEIN_STD_FLOOR),
    psi: psiSorted(ref, cur, options.psi),
  };
}
